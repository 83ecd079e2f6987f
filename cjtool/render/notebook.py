"""A JourneyMap in a Jupyter notebook: its title and summary, the journey map picture as
an embedded PNG (drawn only when the notebook asks for it) and the stage and touchpoint
tables. Importing this module registers it as the map's ``_repr_html_``.
"""

from __future__ import annotations

import base64
import html
import io

from cjtool import result as result_module
from cjtool.i18n import fmt_int, t
from cjtool.render.markdown import period_text
from cjtool.result import JourneyMap

DPI = 80  # a notebook cell's width: the picture is 1,000-odd pixels wide, not a print


def journey_png(result: JourneyMap, lang: str = "en", dpi: int = DPI) -> bytes:
    """The journey map picture as PNG bytes (the picture of `cjtool map --png`)."""
    from cjtool.render.png import journey_map_figure  # lazy: matplotlib only when drawn
    from cjtool.render.png_style import style

    buf = io.BytesIO()
    with style():
        journey_map_figure(result, lang).savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def journey_html(result: JourneyMap, lang: str = "en") -> str:
    """The map as one HTML fragment for a notebook cell."""
    m = result.model
    summary = (
        f"{fmt_int(result.customers_total)} {t('customers', lang, result.customers_total)} · "
        f"{fmt_int(result.customers_entered)} {t('entered', lang)} · "
        f"{fmt_int(result.customers_completed)} {t('completed', lang)} · {period_text(result)}"
    )
    picture = base64.b64encode(journey_png(result, lang)).decode("ascii")
    return "\n".join(
        [
            f"<h3>{html.escape(m.title.get(lang))}</h3>",
            f"<p>{html.escape(summary)}</p>",
            f'<img alt="{html.escape(m.title.get(lang))}" style="max-width:100%" src="data:image/png;base64,{picture}">',
            result.stages_df._repr_html_(),
            result.touchpoints_df.head(10)._repr_html_(),
        ]
    )


result_module.html_view = journey_html
