"""Official documents in the layout of Vietnamese administrative documents (Nghị định
30/2020/NĐ-CP): a unit's report on its participation and results, and the organising
committee's summary of the contest.

One description (`document.OfficialDocument`, built by `selectors`) is rendered twice, by
`docx_render` (python-docx) and `pdf_render` (reportlab), so the .docx and the PDF carry the
same text and figures; `charts` draws the dashboard's charts as PNG for both."""
