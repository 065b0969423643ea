/// The report's inline style sheet. Inline because the report is one file mailed around and
/// opened offline; system fonts because a report must not fetch anything.
enum ReportStyle {
    static let css = """
    :root { --ink: #111827; --muted: #4b5563; --rule: #d1d5db; --panel: #f9fafb;
            --better: #1f6f43; --worse: #a12b1f; --attention: #fdecea; --positive: #e8f5ec; }
    * { box-sizing: border-box; }
    html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    body { margin: 0; padding: 32px 40px; color: var(--ink); background: #ffffff; line-height: 1.45;
           font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 1040px; margin: 0 auto; }
    header.hc-head { border-bottom: 2px solid var(--ink); padding-bottom: 12px; margin-bottom: 20px; }
    h1 { font-size: 28px; margin: 0 0 4px; }
    .hc-subtitle { color: var(--muted); margin: 0; font-size: 15px; }
    nav.hc-toc ol { margin: 4px 0 0; padding-left: 20px; columns: 2; font-size: 14px; }
    nav.hc-toc a { color: var(--ink); }
    h2 { font-size: 21px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule);
         break-after: avoid; page-break-after: avoid; }
    p { margin: 8px 0; max-width: 75ch; }
    p.hc-note { color: var(--muted); font-size: 14px; border-left: 3px solid var(--rule); padding-left: 10px; }
    .hc-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; margin: 12px 0; }
    .hc-card { border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px; background: var(--panel);
               break-inside: avoid; page-break-inside: avoid; }
    .hc-card .label { font-size: 13px; color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: 0.03em; }
    .hc-card .value { font-size: 30px; font-weight: 700; margin: 2px 0; font-variant-numeric: tabular-nums; }
    .hc-card .sentence { font-size: 14px; margin: 4px 0; }
    .hc-card .delta { font-size: 14px; font-weight: 600; margin: 6px 0 0; }
    .delta.better { color: var(--better); }
    .delta.worse { color: var(--worse); }
    .delta.unchanged, .delta.notComparable { color: var(--muted); }
    figure { margin: 16px 0; break-inside: avoid; page-break-inside: avoid; }
    figure.hc-figure svg.hc-chart { max-width: 100%; height: auto; display: block; }
    figcaption { font-size: 14px; color: var(--muted); margin-top: 4px; max-width: 75ch; }
    .hc-figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
    .hc-figures figure { flex: 1 1 420px; }
    table.hc-table { border-collapse: collapse; margin: 12px 0; font-size: 14px; min-width: 50%; }
    table.hc-table caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
    table.hc-table th, table.hc-table td { border-bottom: 1px solid var(--rule); padding: 5px 10px; text-align: left; vertical-align: middle; }
    table.hc-table thead th { border-bottom: 2px solid var(--ink); }
    table.hc-table tbody th { font-weight: 500; }
    table.hc-table .num { text-align: right; font-variant-numeric: tabular-nums; }
    table.hc-table tr { break-inside: avoid; page-break-inside: avoid; }
    table.hc-table tr.hl-attention { background: var(--attention); }
    table.hc-table tr.hl-positive { background: var(--positive); }
    table.hc-table tr.hl-attention > :first-child { border-left: 4px solid var(--worse); font-weight: 700; }
    table.hc-table tr.hl-positive > :first-child { border-left: 4px double var(--better); font-weight: 700; }
    table.hc-table svg.hc-chart { display: inline-block; vertical-align: middle; }
    table.hc-table td.heat-1 { background: #fdf3d7; }
    table.hc-table td.heat-2 { background: #f6c9c2; font-weight: 700; }
    thead { display: table-header-group; }
    footer.hc-foot { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 13px; }
    @media print {
      @page { margin: 14mm; }
      body { padding: 0; font-size: 11pt; }
      main { max-width: none; }
      nav.hc-toc { display: none; }
      section.hc-section { break-before: auto; }
      section.hc-section.hc-page-break { break-before: page; page-break-before: always; }
      .hc-card { background: #ffffff; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
