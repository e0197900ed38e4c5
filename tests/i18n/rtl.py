"""Measuring a right-to-left layout in Chromium: where a text sits in its box, in which order
the characters of a number are drawn, whether the page scrolls sideways."""

TIMEOUT = 15_000
# A pixel or two of rounding between a text's box and its container's content edge.
SLACK = 2.5

# The box of an element's content (inside its padding and border), the box of its text, and
# its computed direction.
TEXT_BOX = """el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const px = name => parseFloat(style[name]) || 0;
    return {
        textLeft: text.left, textRight: text.right,
        left: box.left + px('borderLeftWidth') + px('paddingLeft'),
        right: box.right - px('borderRightWidth') - px('paddingRight'),
        boxLeft: box.left, boxRight: box.right,
        direction: style.direction, textAlign: style.textAlign,
    };
}"""

# The x of the first and of the last character of an element's text, as drawn.
CHARACTER_ORDER = """el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
        if (walker.currentNode.textContent.trim()) nodes.push(walker.currentNode);
    }
    const first = nodes[0], last = nodes[nodes.length - 1];
    const at = (node, i) => {
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        return r.getBoundingClientRect().left;
    };
    const start = first.textContent.search(/\\S/);
    const end = last.textContent.trimEnd().length - 1;
    return {first: at(first, start), last: at(last, end), text: el.textContent.trim()};
}"""


def text_box(locator) -> dict:
    return locator.evaluate(TEXT_BOX)


def sits_at_right(box: dict) -> bool:
    """The text ends at its container's right edge and leaves room on its left."""
    return abs(box["textRight"] - box["right"]) <= SLACK and box["textLeft"] > box["left"] + SLACK


def sits_at_left(box: dict) -> bool:
    return abs(box["textLeft"] - box["left"]) <= SLACK and box["textRight"] < box["right"] - SLACK


def drawn_left_to_right(locator) -> bool:
    """The first character of the text is drawn left of its last one ("10:00–16:00" and not
    "16:00–10:00"; "02 522 03 63" and not its groups reversed)."""
    order = locator.evaluate(CHARACTER_ORDER)
    return order["first"] < order["last"]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
