"""`is_desktop`: whether the window is at least DESKTOP_MIN_PX wide, as a browser-side Var.

CSS switches layouts wherever both versions can stay in the page. Where they cannot — a control
must exist once (one `data-testid`, one label), e.g. the filters inline on a desk and in a drawer on
a phone, or the navigation in the header or in the menu sheet — `rx.cond(is_desktop, desk, phone)`
renders one of them. It is a React state per component fed by `matchMedia`, so resizing switches at
once and costs no round trip to the server.
"""

from __future__ import annotations

from reflex_base.vars.base import Var, VarData

from oppo_kz.ui.theme import DESKTOP_MIN_PX

_QUERY = f"(min-width: {DESKTOP_MIN_PX}px)"
_STATE = (
    "const [oppoIsDesktop, setOppoIsDesktop] = useState(() => typeof window !== 'undefined' && "
    f"window.matchMedia({_QUERY!r}).matches);"
)
_EFFECT = f"""useEffect(() => {{
  const query = window.matchMedia({_QUERY!r});
  const follow = () => setOppoIsDesktop(query.matches);
  follow();
  query.addEventListener("change", follow);
  return () => query.removeEventListener("change", follow);
}}, []);"""

is_desktop: Var[bool] = Var(
    "oppoIsDesktop",
    _var_data=VarData(hooks={_STATE: None, _EFFECT: None}, imports={"react": ["useState", "useEffect"]}),
).to(bool)
