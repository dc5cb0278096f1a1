"""zfxxgk: a static-site generator for the 政府信息公开 column of Chinese government websites.

The build is a one-way pipeline, one module per stage:

    config   site.yaml            -> SiteConfig
    content  content/ tree         -> Site (units, documents, URLs)      [uses source, slugs]
    links    Site                  -> cross references (解读, .md links)
    render   Site + theme          -> pages (path, bytes)               [uses markup]
    output   pages                 -> output/ (atomic swap)
    build    runs the stages above; cli and scaffold sit on top.
"""

__version__ = "0.1.0"
