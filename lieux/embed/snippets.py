"""The three snippets an association pastes, built from the options chosen in the configurator.

Every URL is absolute (the snippets run on other sites) and every value is HTML-escaped: commune
names come from the database.
"""

import hashlib
from html import escape
from urllib.parse import urlencode

import msgspec

from lieux.embed.assets import HTMX_FILE, WIDGET_CSS, htmx_url, sri, versioned
from lieux.widget.query import DEFAULT_THEME, Layout, Show, Theme

# A visitor's tab polls the fragment at this pace; shorter would multiply the load on the service
# by the number of visitors of every embedding site, longer would show a closing lieu as open.
DEFAULT_REFRESH_SECONDS = 60
# The shortest interval embed.js and the iframe page accept (tests and demos use it).
MIN_REFRESH_SECONDS = 5
# At 320 px wide: the helplines at night (tests/embed/test_layout.py checks it), two or three
# lieux in the list layout, twice as many compact; the iframe can also resize itself.
IFRAME_HEIGHT = 420
LIMIT_CHOICES = (3, 5, 10, 20)
# The agenda: a week of a lieu's activities at 320 px; it resizes itself when embed.js is there.
AGENDA_IFRAME_HEIGHT = 520
AGENDA_DAYS_CHOICES = (7, 14, 31, 92)
AGENDA_LIMIT_CHOICES = (5, 10, 20, 50)


# htmx 2 lets an element inherit most hx-* attributes from its ancestors: a host page's
# hx-headers (a CSRF token on <body>) would be sent to us and make the CORS preflight fail, its
# hx-target or hx-select would put our answer elsewhere, its hx-confirm ask before every poll.
# An attribute on the element itself wins over its ancestors, and "unset" stands for "none"
# (hx-disinherit and hx-inherit are read on the ancestor: only the host could use them).
# noHeaders drops every request header, htmx's own and any a host's htmx:configRequest listener
# adds: a plain GET, no preflight, and the host page's address (HX-Current-URL) stays with the
# host. hx-params="none" drops hx-vals, hx-vars and hx-include; hx-push-url="false" also wins
# over an inherited hx-replace-url. hx-boost="false" keeps the fragment's links plain links
# (htmx boosts a link to the page's own host name: a site on the service's domain). Extensions
# cannot be refused all at once ("ignore:" takes names): those that change a request or a swap
# from an ancestor are named. docs/embedding.md says what holds;
# tests/embed/test_host_attributes_browser.py puts each on a host page.
GUARD_ATTRIBUTES = (
    ("hx-target", "this"),
    ("hx-swap", "innerHTML"),
    ("hx-select-oob", "unset"),
    ("hx-params", "none"),
    ("hx-request", '{"noHeaders": true, "credentials": false, "timeout": 0}'),
    ("hx-push-url", "false"),
    ("hx-boost", "false"),
    ("hx-sync", "unset"),
    ("hx-confirm", "unset"),
    ("hx-ext", "ignore:response-targets,ignore:include-vals,ignore:client-side-templates"),
    ("hx-prompt", "unset"),
    ("hx-indicator", "unset"),
    ("hx-disabled-elt", "unset"),
)
# The htmx snippet's lines: the configurator's code box shows 84 characters at 1280 px.
SNIPPET_WIDTH = 84


def _wrapped(attributes: list[tuple[str, str]]) -> str:
    """`attributes` as HTML, on lines of at most SNIPPET_WIDTH characters (an attribute longer
    than that on its own line), each line after the first indented by two spaces."""
    lines = [""]
    for name, value in attributes:
        quote = "'" if '"' in value else '"'
        text = escape(value, quote=False).replace(quote, "&#x27;" if quote == "'" else "&quot;")
        attribute = f"{name}={quote}{text}{quote}"
        if lines[-1] and len(lines[-1]) + 1 + len(attribute) > SNIPPET_WIDTH - 2:
            lines.append("")
        lines[-1] = f"{lines[-1]} {attribute}" if lines[-1] else attribute
    return "\n  ".join(lines)


class EmbedOptions(msgspec.Struct, frozen=True, kw_only=True):
    """What the configurator lets a person choose; defaults are left out of the snippets."""

    communes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    lang: str = ""  # "" = the visitor's browser language
    limit: int | None = None
    show: Show = "open"
    layout: Layout = "list"
    theme: Theme = DEFAULT_THEME
    at: str = ""  # an ISO instant, for demos and tests ("open this Saturday?")


class Snippets(msgspec.Struct, frozen=True, kw_only=True):
    script: str
    htmx: str
    htmx_loader: str  # the <script> for a site that has no htmx yet
    iframe: str
    element: str = ""  # <lieux-open-now ...> and the script that defines it


class AgendaSnippets(msgspec.Struct, frozen=True, kw_only=True):
    script: str
    element: str  # <lieux-agenda ...>
    iframe: str


def query(options: EmbedOptions) -> list[tuple[str, str]]:
    """The fragment's query parameters for these options (repeated for several communes)."""
    pairs = [("commune", c) for c in options.communes] + [("kind", k) for k in options.kinds]
    for name, value, default in (
        ("lang", options.lang, ""),
        ("limit", "" if options.limit is None else str(options.limit), ""),
        ("show", options.show, "open"),
        ("layout", options.layout, "list"),
        ("theme", options.theme, DEFAULT_THEME),
        ("at", options.at, ""),
    ):
        if value != default:
            pairs.append((name, value))
    return pairs


def _url(base_url: str, path: str, pairs: list[tuple[str, str]]) -> str:
    return base_url + path + ("?" + urlencode(pairs) if pairs else "")


def fragment_url(base_url: str, options: EmbedOptions) -> str:
    return _url(base_url, "/widget/open-now", query(options))


def iframe_url(base_url: str, options: EmbedOptions) -> str:
    return _url(base_url, "/embed/open-now", query(options))


def _data_attributes(options: EmbedOptions) -> str:
    """data-* attributes for embed.js; several communes or kinds are joined by commas."""
    return _attributes(query(options), "data-")


def _attributes(pairs: list[tuple[str, str]], prefix: str) -> str:
    """HTML attributes for embed.js, one per option; repeated ones are joined by commas."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return "".join(
        f' {prefix}{name}="{escape(",".join(values))}"' for name, values in grouped.items()
    )


def _loader(base_url: str) -> str:
    return f'<script src="{escape(base_url)}/embed.js" async></script>'


def build_agenda(
    base_url: str, pairs: list[tuple[str, str]], *, iframe_title: str
) -> AgendaSnippets:
    """The agenda's script, custom element and iframe snippets for the fragment's `pairs`."""
    iframe_src = _url(base_url, "/embed/agenda", pairs)
    return AgendaSnippets(
        script=f'<div data-lieux-widget="agenda"{_attributes(pairs, "data-")}></div>\n'
        + _loader(base_url),
        element=f"<lieux-agenda{_attributes(pairs, '')}></lieux-agenda>\n" + _loader(base_url),
        iframe=(
            f'<iframe src="{escape(iframe_src)}"\n'
            f'        title="{escape(iframe_title)}" width="100%" '
            f'height="{AGENDA_IFRAME_HEIGHT}"\n'
            '        loading="lazy"></iframe>'
        ),
    )


def htmx_uid(options: EmbedOptions) -> str:
    """The htmx snippet's `uid`: "h" and a hash of its options (embed.js numbers its widgets
    w1, w2...; a page with two snippets of the same options shows the same widget twice)."""
    digest = hashlib.blake2b(urlencode(query(options)).encode(), digest_size=4).hexdigest()
    return "h" + digest


def build(base_url: str, options: EmbedOptions, *, iframe_title: str) -> Snippets:
    """The script, htmx and iframe snippets for these options, with absolute URLs."""
    script = (
        f"<div data-lieux-widget{_data_attributes(options)}></div>\n"
        f'<script src="{escape(base_url)}/embed.js" async></script>'
    )
    # Its ids end with a `uid` of these options: two snippets pasted on one page keep theirs apart.
    uid = htmx_uid(options)
    polled = _url(base_url, "/widget/open-now", [*query(options), ("uid", uid)])
    attributes = [
        ("hx-get", polled),
        ("hx-trigger", f"load, every {DEFAULT_REFRESH_SECONDS}s"),
        *GUARD_ATTRIBUTES[:2],
        ("hx-select", f"#ldl-open-now-{uid}"),
        *GUARD_ATTRIBUTES[2:],
    ]
    htmx = (
        f'<link rel="stylesheet" href="{escape(base_url + versioned(WIDGET_CSS))}">\n'
        f"<div {_wrapped(attributes)}></div>\n"
        "<script>htmx.config.selfRequestsOnly = false;</script>"
    )
    htmx_loader = (
        f'<script src="{escape(htmx_url(base_url))}"\n'
        f'        integrity="{sri(HTMX_FILE)}" crossorigin="anonymous"></script>'
    )
    iframe = (
        f'<iframe src="{escape(iframe_url(base_url, options))}"\n'
        # No style="" attribute: a host CSP without 'unsafe-inline' styles would refuse it.
        f'        title="{escape(iframe_title)}" width="100%" height="{IFRAME_HEIGHT}"\n'
        '        loading="lazy"></iframe>'
    )
    element = f"<lieux-open-now{_attributes(query(options), '')}></lieux-open-now>\n" + _loader(
        base_url
    )
    return Snippets(
        script=script, htmx=htmx, htmx_loader=htmx_loader, iframe=iframe, element=element
    )
