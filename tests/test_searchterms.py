"""检索提示: every cut of the title's short runs reaches the indexer, and only the indexer."""

from generator.searchterms import HINT_MARK, key_terms, with_hints


def test_every_cut_of_short_runs():
    terms = key_terms("应急预案")
    for phrase in ("预 案", "预案", "应急 预案", "应 急 预 案", "应急预 案", "应急预案"):
        assert phrase in terms
    assert len(terms) == len(set(terms))
    assert key_terms("ABC 12") == []


def test_hints_go_inside_the_indexed_region_only():
    page = (
        '<html><head><meta name="Keywords" content="低保"></head><body><nav>导航</nav>'
        "<article data-pagefind-body><h1>救助<em>通知</em></h1><p>正文</p></article></body></html>"
    )
    hinted = with_hints(page)
    block_at = hinted.index(HINT_MARK)
    assert hinted.index("<p>正文</p>") < block_at < hinted.index("</article>")
    assert "救 助" in hinted and "低保" in hinted[block_at:]
    assert (
        hinted.replace(
            hinted[hinted.index("<div data-pagefind-weight") : hinted.index("</article>")], ""
        )
        == page
    )
    assert (
        with_hints("<html><body><h1>标题</h1></body></html>")
        == "<html><body><h1>标题</h1></body></html>"
    )
