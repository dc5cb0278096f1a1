"""A bounded, polite checker for outside links (``zfxxgk check --external``).

Each address is asked once, with a timeout, by at most a few workers at a time and never
more than one at a time per host, so that a build server does not hammer other sites.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from generator import __version__

TIMEOUT = 10.0  # seconds per request
WORKERS = 4
USER_AGENT = f"zfxxgk-linkcheck/{__version__}"


def check_urls(urls: list[str], timeout: float = TIMEOUT, workers: int = WORKERS) -> dict[str, str]:
    """Return the unreachable URLs with a Chinese reason; reachable ones are left out."""
    host_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
    guard = threading.Lock()

    def one(url: str) -> tuple[str, str | None]:
        host = urlsplit(url).netloc
        with guard:
            lock = host_locks[host]
        with lock:
            return url, _reason(url, timeout)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(one, sorted(set(urls)))
        return {url: reason for url, reason in results if reason}


def _reason(url: str, timeout: float) -> str | None:
    for method in ("HEAD", "GET"):  # some servers refuse HEAD
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return f"服务器返回 {exc.code}"
        except urllib.error.URLError as exc:
            return f"无法连接（{exc.reason}）"
        except TimeoutError:
            return f"{timeout:g} 秒内无响应"
        except OSError as exc:
            return f"无法连接（{exc}）"
    return "服务器拒绝访问"
