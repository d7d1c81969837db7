"""``{% fragment seconds name key... %}…{% endfragment %}``: Django's ``{% cache %}`` read
through ``core.caching.cached``, so that a page whose cache (Redis) is down draws the fragment
instead of answering 500. The keys are Django's fragment keys (``make_template_fragment_key``).
"""

from __future__ import annotations

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.template.base import FilterExpression, NodeList, Parser, Token

from core.caching import cached

register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self, nodelist: NodeList, seconds: FilterExpression, name: str, vary_on: list
    ) -> None:
        self.nodelist, self.seconds, self.name, self.vary_on = nodelist, seconds, name, vary_on

    def render(self, context: template.Context) -> str:
        seconds = int(self.seconds.resolve(context))
        key = make_template_fragment_key(self.name, [v.resolve(context) for v in self.vary_on])
        return cached(key, seconds, lambda: self.nodelist.render(context))


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes seconds, a name and keys")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        bits[2],
        [parser.compile_filter(b) for b in bits[3:]],
    )
