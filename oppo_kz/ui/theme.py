"""The app's name, colours and the few global CSS rules the shared components rely on (no imports)."""

APP_TITLE = "OPPO KZ Data Platform"
BRAND_GREEN = "#008a5c"

# The desktop layout starts here (Radix Themes' `md`). Reflex's own style-prop breakpoints switch at
# 992 px, so layout switches use these classes or `is_desktop` (ui/media.py), never `display=[...]`.
DESKTOP_MIN_PX = 1024
_PHONE = f"@media (max-width: {DESKTOP_MIN_PX - 0.02}px)"
_DESK = f"@media (min-width: {DESKTOP_MIN_PX}px)"

# Below this the desktop header has no room for every menu label beside the user's block (eight
# entries in Russian need ~1 400 px): the menu shows its icons (named by aria-label and a tooltip).
WIDE_MIN_PX = 1480

GLOBAL_CSS = f"""
{_PHONE} {{ .oppo-desk-only {{ display: none !important; }} }}
{_DESK} {{ .oppo-phone-only {{ display: none !important; }} }}
@media (max-width: {WIDE_MIN_PX - 0.02}px) {{ .oppo-wide-only {{ display: none !important; }} }}

/* Touch targets of at least 44 px wherever a finger is the pointer (`:root` outranks Radix's resets). */
{_PHONE} {{
  :root :is(.rt-Button, .rt-IconButton, .rt-TextFieldRoot, select.rt-SelectTrigger, .oppo-touch) {{ min-height: 44px; }}
  :root .rt-IconButton {{ min-width: 44px; }}
}}

/* Invalid fields: a red border beside the red message (aria-invalid is what marks them). */
.rt-TextFieldRoot:has(> input[aria-invalid="true"]),
select[aria-invalid="true"], textarea[aria-invalid="true"] {{ box-shadow: inset 0 0 0 1px var(--red-9); }}

/* Buttons drawn as plain text (sortable headers) still show where the keyboard is. */
.oppo-plain-button {{ all: unset; cursor: pointer; font-weight: 600; border-radius: 4px; }}
.oppo-plain-button:focus-visible {{ outline: 2px solid var(--accent-8); outline-offset: 2px; }}

/* Search and the Filters button stay in reach while the list scrolls. */
.oppo-sticky {{ position: sticky; top: 0; z-index: 5; background: var(--gray-2); }}

/* Chips: a checkbox per choice, big enough for a thumb. */
.oppo-chip {{
  display: inline-flex; align-items: center; gap: 8px; min-height: 36px; padding: 0 12px;
  border: 1px solid var(--gray-a7); border-radius: 999px; cursor: pointer; user-select: none;
  background: var(--color-panel-solid); font-size: var(--font-size-2);
}}
.oppo-chip:has(input:checked) {{ background: var(--accent-3); border-color: var(--accent-8); color: var(--accent-11); }}
.oppo-chip:has(input:focus-visible) {{ outline: 2px solid var(--accent-8); outline-offset: 2px; }}
.oppo-chip input {{ width: 16px; height: 16px; margin: 0; accent-color: var(--accent-9); }}
{_PHONE} {{ .oppo-chip {{ min-height: 44px; }} }}

/* Responsive lists: one table; below 1024 px each row is a card (see ui/layout.py, slots). */
{_PHONE} {{
  .oppo-rlist thead {{ display: none; }}
  .oppo-rlist table, .oppo-rlist tbody {{ display: block; width: 100%; height: auto; }}
  .oppo-rlist .rt-ScrollAreaViewport > div {{ display: block !important; }}
  .oppo-rlist tr {{
    display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 12px; row-gap: 4px;
    padding: 12px; position: relative; box-shadow: inset 0 -1px var(--gray-a5);
  }}
  .oppo-rlist td {{
    display: block; height: auto; padding: 0 !important; box-shadow: none !important; min-width: 0;
  }}
  .oppo-rlist td[data-slot="title"] {{ grid-column: 1; grid-row: 1; font-weight: 500; }}
  .oppo-rlist td[data-slot="value"] {{ grid-column: 2; grid-row: 1; text-align: right; font-weight: 600; }}
  .oppo-rlist td[data-slot="value2"] {{ grid-column: 2; grid-row: 2; text-align: right; }}
  .oppo-rlist td[data-slot="meta"] {{ grid-column: 1; color: var(--gray-11); font-size: var(--font-size-1); }}
  .oppo-rlist td[data-slot="wide"] {{ grid-column: 1 / -1; position: relative; z-index: 1; }}
  .oppo-rlist td[data-slot="desk"] {{ display: none; }}
  .oppo-rlist td[data-phone-label]::before {{ content: attr(data-phone-label) " "; color: var(--gray-11); font-weight: 400; }}
  .oppo-rlist td[data-slot="title"] a {{ display: block; min-height: 24px; }}
  .oppo-rlist td[data-slot="title"] a::after {{ content: ""; position: absolute; inset: 0; }}
}}
{_DESK} {{ .oppo-rlist td[data-slot="phone"], .oppo-rlist td[data-slot="meta"] {{ display: none; }} }}

/* A drawer that is closing (vaul keeps it until its animation ends) never swallows a tap. */
[data-vaul-overlay][data-state="closed"], [data-vaul-drawer][data-state="closed"] {{ pointer-events: none !important; }}

/* A changed row flashes for a moment. */
@keyframes oppo-flash {{ from {{ background: var(--amber-5); }} to {{ background: transparent; }} }}
.row-changed {{ animation: oppo-flash 2.5s ease-out; }}
"""
