/** @internal The page's stylesheet, inlined: the page loads nothing else (it works offline). */
export const pageStyle: string = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #5b6470; --line: #d9dde3;
  --closed: #1a7f37; --open: #cf222e; --half-open: #9a6700; --forced-open: #8250df;
  --disabled: #6e7781;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #8d96a0; --line: #30363d;
    --closed: #3fb950; --open: #f85149; --half-open: #d29922; --forced-open: #a371f7;
    --disabled: #8d96a0;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 24px;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
  background: var(--bg); color: var(--text);
}
.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; margin-bottom: 16px; }
h1 { font-size: 20px; margin: 0; }
.summary { margin: 0; color: var(--muted); flex: 1; }
.connection { margin: 0; font-size: 12px; color: var(--muted); }
.connection::before {
  content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
  margin-right: 6px; background: var(--disabled);
}
.connection[data-connection="live"]::before { background: var(--closed); }
.connection[data-connection="down"]::before { background: var(--open); }
.message {
  margin: 0 0 16px; padding: 8px 12px; border-radius: 6px;
  border: 1px solid var(--line); background: var(--card);
}
.message[data-kind="error"] { border-color: var(--open); }
.empty { color: var(--muted); }
.breakers {
  list-style: none; margin: 0; padding: 0; display: grid; gap: 12px;
  grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
}
.breaker {
  --state: var(--closed);
  background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--state);
  border-radius: 8px; padding: 12px 14px; min-width: 0;
}
.breaker[data-state="open"] { --state: var(--open); }
.breaker[data-state="half-open"] { --state: var(--half-open); }
.breaker[data-state="forced-open"] { --state: var(--forced-open); }
.breaker[data-state="disabled"] { --state: var(--disabled); }
.breaker header { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.name {
  margin: 0; font-size: 15px; font-weight: 600; min-width: 0;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
.state {
  flex: none; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em;
  color: var(--state); border: 1px solid var(--state); border-radius: 999px; padding: 1px 8px;
}
.stats { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; margin: 12px 0 8px; }
.stats dt { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.stats dd { margin: 0; font-size: 16px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.spark { display: block; width: 100%; height: 36px; overflow: visible; }
.spark .line {
  fill: none; stroke: var(--state); stroke-width: 1.5; vector-effect: non-scaling-stroke;
  stroke-linejoin: round;
}
.spark .area { fill: var(--state); opacity: .12; }
.spark .axis { stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.spark-label { margin: 2px 0 0; font-size: 11px; color: var(--muted); }
.actions { display: flex; gap: 8px; margin-top: 10px; }
.actions button {
  font: inherit; font-size: 12px; padding: 3px 10px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--line); background: transparent; color: var(--text);
}
.actions button:hover { border-color: var(--muted); }
.actions button:disabled { opacity: .5; cursor: default; }
`;
