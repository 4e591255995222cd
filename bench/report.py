"""The Markdown report of a bench run (bench/run.py writes it next to the JSON)."""


def _ms(value) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _row(name: str, r: dict) -> str:
    queries = r.get("queries_per_request")
    return (
        f"| {name} | {r.get('throughput_rps', 0):,.0f} | {_ms(r.get('p50_ms'))} | "
        f"{_ms(r.get('p95_ms'))} | {_ms(r.get('p99_ms'))} | {_ms(r.get('max_ms'))} | "
        f"{r.get('error_rate', 0):.3%} | {'—' if queries is None else queries} |"
    )


HEAD = (
    "| request | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | queries/req |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("✅ met" if ok else "❌ not met")


def _check(check: dict | None) -> str:
    if not check:
        return ""
    return (
        f"Correctness check: {check['acknowledged_saves']:,} acknowledged saves, "
        f"{check['answers_checked']:,} answers compared, **{check['answers_lost_or_stale']} lost "
        f"or stale** ({check.get('answers_newer_than_acknowledged', 0)} hold a later save that "
        f"was in flight when the load stopped); participants with two attempts in progress: "
        f"**{check['participants_with_two_in_progress']}**; attempts past their deadline left "
        f"in progress after the sweep: **{check['overdue_left_in_progress']}** "
        f"({check['overdue_submitted_by_sweep']} auto-submitted by it) → "
        f"{'OK' if check['ok'] else 'FAILED'}.\n"
    )


def _cpu(r: dict) -> str:
    return (
        f"Server CPU {r['server_cpu_ms_per_request']} ms/request (gunicorn, all processes), "
        f"PostgreSQL backends {r['db_cpu_ms_per_request']} ms/request, web processes' peak "
        f"RSS {r['web_rss_peak_mb']} MB."
    )


def _spread(r: dict) -> str:
    spread = r.get("worker_spread")
    if not spread:
        return "—"
    mark = "" if spread["ok"] else " ⚠"
    return f"{'/'.join(str(n) for n in spread['requests_per_worker'])} ({spread['largest_share']:.0%}){mark}"


CPU_HEAD = (
    "| request | server CPU ms/req | vs empty (CPU) | req/s | vs empty (req/s) | p99 ms | "
    "requests per worker (largest share) | machine busy cores | load avg after |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
)


def _cpu_row(name: str, r: dict, empty_cpu: float, empty_rps: float) -> str:
    cpu = r["server_cpu_ms_per_request"]
    return (
        f"| {name} | {cpu:.3f} | {empty_cpu / max(cpu, 1e-6):.0%} | "
        f"{r.get('throughput_rps', 0):,.0f} | {r.get('throughput_rps', 0) / empty_rps:.0%} | "
        f"{_ms(r.get('p99_ms'))} | {_spread(r)} | {r.get('machine_busy_cores', '—')} | "
        f"{r.get('load_average_after', '—')} |"
    )


def summary(result: dict) -> dict:
    """The figures a later run compares itself with (bench/run.py --before)."""
    out = {
        "git_sha": result["machine"]["git_sha"],
        "date": result["date"],
        "load_average_at_start": result["machine"]["load_average_at_start"],
        "load_average_at_end": result["machine"].get("load_average_at_end"),
    }
    c = result["scenarios"].get("ceilings")
    if c and "empty_cpu_ms_per_request" in c:
        out.update(
            empty_cpu_ms=c["empty_cpu_ms_per_request"],
            save_cpu_ms=c["answer_save"]["server_cpu_ms_per_request"],
            page_cpu_ms=c["quiz_page"]["server_cpu_ms_per_request"],
            save_vs_empty_cpu=c["save_vs_empty_cpu"],
            page_vs_empty_cpu=c["page_vs_empty_cpu"],
            ceiling_seconds=result["parameters"].get("ceiling_seconds"),
        )
    r = result["scenarios"].get("rush")
    if r and "server_cpu_ms_per_person" in r:
        out.update(
            rush_people=r["participants"],
            rush_cpu_ms_per_person=r["server_cpu_ms_per_person"],
            rush_attempts=r["attempts_created"],
            rush_spread_seconds=r["starts_spread_seconds"],
            rush_errors=r["requests"].get("start", {}).get("failures"),
        )
        if c and "empty_cpu_ms_per_request" in c:
            out["rush_empty_views_per_person"] = round(
                r["server_cpu_ms_per_person"] / c["empty_cpu_ms_per_request"], 1
            )
    return out


def _before_after(before: dict, after: dict) -> list[str]:
    rows = [
        ("empty view, server CPU ms/request", "empty_cpu_ms", "{:.3f}"),
        ("answer save, server CPU ms/request", "save_cpu_ms", "{:.3f}"),
        ("answer save / empty view (CPU)", "save_vs_empty_cpu", "{:.0%}"),
        ("quiz page, server CPU ms/request", "page_cpu_ms", "{:.3f}"),
        ("quiz page / empty view (CPU)", "page_vs_empty_cpu", "{:.0%}"),
        ("00h rush: people scheduled", "rush_people", "{:,}"),
        ("00h rush: server CPU ms per person (start + first page)", "rush_cpu_ms_per_person",
         "{:.1f}"),
        ("00h rush: empty views per person", "rush_empty_views_per_person", "{:.1f}"),
        ("00h rush: attempts created within the run's bound", "rush_attempts", "{:,}"),
        ("00h rush: first to last start, s", "rush_spread_seconds", "{}"),
        ("00h rush: errors", "rush_errors", "{}"),
        ("load average at start (1, 5, 15 min)", "load_average_at_start", "{}"),
        ("load average at end", "load_average_at_end", "{}"),
    ]  # fmt: skip

    def cell(data, key, fmt):
        value = data.get(key)
        if value is None:
            return "—"
        if isinstance(value, list | tuple):
            return ", ".join(f"{x:.2f}" for x in value)
        return fmt.format(value)

    out = [
        f"## Before and after (before: {before.get('git_sha')}, {before.get('date')})",
        "",
        f"| figure | before ({before.get('git_sha')}) | after ({after.get('git_sha')}) |",
        "| --- | ---: | ---: |",
    ]
    out += [f"| {label} | {cell(before, k, f)} | {cell(after, k, f)} |" for label, k, f in rows]
    return [*out, ""]


def markdown(result: dict) -> str:
    m = result["machine"]
    s = result["scenarios"]
    out = [
        f"# Bench {result['date']} — {m['git_sha']}{' (dirty)' if m['git_dirty'] else ''}"
        f" — {result['mode']} mode",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gb']} GB RAM, load average at "
        f"start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}; PostgreSQL "
        f"{m['postgresql']}, Redis {m['redis']}, Python {m['python']}. Load generators (wrk, "
        "Locust) run on the same machine and share its cores with the server.",
        "",
        f"Stack: {result['stack']['server']}; {result['stack']['settings']}; rate limits "
        f"{result['stack']['rate_limits']}. Seed: {result.get('seed', {})}.",
        "",
        f"Parameters: `{result['parameters']}`. Total {result['total_seconds']} s.",
        "",
    ]
    targets = []
    if "ceilings" in s:
        c = s["ceilings"]
        save, page = c["answer_save"], c["quiz_page"]
        out += [
            "## (a) Ceilings: answer save and quiz page vs an empty Django view (wrk)",
            "",
            "By server CPU per request, the primary figure (ratio = the empty view's CPU per "
            "request over this request's, in the same run):",
            "",
            CPU_HEAD,
            *(
                _cpu_row(label, c[key], c.get("empty_cpu_ms_per_request", 1), c["empty_mean_rps"])
                for label, key in (
                    ("empty view (before)", "empty_before"),
                    ("answer save", "answer_save"),
                    ("quiz page (reload)", "quiz_page"),
                    ("empty view (after)", "empty_after"),
                )
                if "server_cpu_ms_per_request" in c[key]
            ),
            "",
            HEAD,
            _row("empty view (before)", c["empty_before"]),
            _row("answer save", save),
            _row("quiz page (reload)", page),
            _row("empty view (after)", c["empty_after"]),
            "",
            f"By CPU per request: save / empty = **{c.get('save_vs_empty_cpu', 0):.0%}**, quiz "
            f"page / empty = **{c.get('page_vs_empty_cpu', 0):.0%}** (empty view "
            f"{c.get('empty_cpu_ms_per_request', 0):.3f} ms). By throughput: save / empty = "
            f"{c['save_vs_empty']:.0%}, quiz page / empty = {c['page_vs_empty']:.0%} (empty view "
            f"mean {c['empty_mean_rps']:,.0f} req/s).",
            "",
            "Answer save: " + _cpu(save),
            "",
            "Quiz page: " + _cpu(page),
            "",
            "Empty view: " + _cpu(c["empty_before"]),
            "",
            _check(c.get("check")),
        ]
        targets += [
            (
                "answer save ≥ 70 % of the empty view by CPU/request, p99 ≤ 50 ms",
                f"{c.get('save_vs_empty_cpu', 0):.0%}, p99 {save['p99_ms']:.0f} ms",
                c.get("save_vs_empty_cpu", 0) >= 0.70 and save["p99_ms"] <= 50,
            ),
            (
                "quiz page ≥ 50 % of the empty view by CPU/request, p99 ≤ 100 ms",
                f"{c.get('page_vs_empty_cpu', 0):.0%}, p99 {page['p99_ms']:.0f} ms",
                c.get("page_vs_empty_cpu", 0) >= 0.50 and page["p99_ms"] <= 100,
            ),
            (
                "queries: save 1, quiz page ≤ 2",
                f"save {save['queries_per_request']}, page {page['queries_per_request']}",
                save["queries_per_request"] <= 1 and page["queries_per_request"] <= 2,
            ),
        ]
    if "rush" in s:
        r = s["rush"]
        start = r["requests"].get("start", {})
        out += [
            f"## (b) The 00h opening: {r['participants']:,} participants press “Vào thi” "
            f"within {r['window_seconds']:.0f} s",
            "",
            HEAD,
            *(_row(name, row) for name, row in r["requests"].items()),
            "",
            f"Attempts created: **{r['attempts_created']:,}** for {start.get('requests', 0):,} "
            f"“Vào thi” requests ({start.get('failures', 0)} failed; {r['participants']:,} people "
            "scheduled: those not served within the run's time bound never pressed); "
            f"first to last start {r['starts_spread_seconds']} s. " + _cpu(r),
            "",
            f"Server CPU per person (their “Vào thi” and first quiz page, with any waiting "
            f"pages): **{r.get('server_cpu_ms_per_person', 0):.3f} ms**"
            + (
                f" = {r['server_cpu_ms_per_person'] / s['ceilings']['empty_cpu_ms_per_request']:.1f}"
                " empty views of this run."
                if "ceilings" in s and s["ceilings"].get("empty_cpu_ms_per_request")
                else "."
            )
            + f" Requests per worker: {_spread(r)}.",
            "",
            _check(r.get("check")),
        ]
        targets.append(
            (
                f"start: {r['participants']:,} in {r['window_seconds']:.0f} s, 0 errors, exactly "
                "N attempts, all served within 20 s of the first",
                f"{start.get('failures', '?')} errors, {r['attempts_created']:,} attempts for "
                f"{start.get('requests', 0):,} presses, last start {r['starts_spread_seconds']} s "
                f"after the first, p99 {start.get('p99_ms', 0):,.0f} ms",
                start.get("failures") == 0
                and r["attempts_created"] == r["participants"] == start.get("requests")
                and r["starts_spread_seconds"] <= 20,
            )
        )
        waiting = r["requests"].get("start (waiting page)", {})
        every = r["requests"].get("all", {})
        answered_p99 = max(start.get("p99_ms", 0), waiting.get("p99_ms", 0))
        targets.append(
            (
                "waiting room: 0 errors, every attempt created, p99 of a press and of a waiting "
                "page ≤ 200 ms",
                f"{every.get('failures', '?')} errors in {every.get('requests', 0):,} requests, "
                f"{r['attempts_created']:,} attempts, p99 press {start.get('p99_ms', 0):,.0f} ms,"
                f" waiting page {waiting.get('p99_ms', 0):,.0f} ms",
                every.get("failures") == 0
                and r["attempts_created"] == r["participants"]
                and answered_p99 <= 200,
            )
        )
    if "mixed" in s:
        r = s["mixed"]
        allr = r["requests"].get("all", {})
        out += [
            f"## (c) Mixed realistic flow: {r['users']:,} people, one answer every "
            f"~{r['think_seconds']} s (≈ {r['equivalent_people_at_20s_per_answer']:,} people "
            "answering every 20 s)",
            "",
            HEAD,
            *(_row(name, row) for name, row in r["requests"].items()),
            "",
            _cpu(r),
            "",
            _check(r.get("check")),
        ]
        if r.get("failures"):
            out += ["Failures: " + "; ".join(f"{f['name']}: {f['error']} ×{f['count']}"
                                              for f in r["failures"]), ""]  # fmt: skip
        targets.append(
            (
                "mixed flow: p99 ≤ 300 ms, errors < 0.1 %, 0 answers lost",
                f"p99 {allr.get('p99_ms', 0):,.0f} ms, errors {allr.get('error_rate', 0):.3%}, "
                f"lost {r['check']['answers_lost_or_stale']} "
                f"(load ≈ {r['equivalent_people_at_20s_per_answer']:,} people)",
                allr.get("p99_ms", 1e9) <= 300
                and allr.get("error_rate", 1) < 0.001
                and r["check"]["answers_lost_or_stale"] == 0,
            )
        )
        for name, budget in (("start", 4), ("submit", 4), ("result", 3), ("home", 3)):
            row = r["requests"].get(name)
            if row and "queries_per_request" in row:
                targets.append(
                    (
                        f"queries: {name} ≤ {budget}",
                        str(row["queries_per_request"]),
                        row["queries_per_request"] <= budget,
                    )
                )
    if "login" in s:
        r = s["login"]
        login = r["requests"].get("login", {})
        out += [
            "## (d) Logins (phone + password, Argon2id m=19 MiB t=2 p=1)",
            "",
            HEAD,
            _row("login", login),
            "",
            _cpu(r),
            "",
        ]
        targets.append(
            (
                "login ≥ 50/s",
                f"{login.get('throughput_rps', 0):,.0f}/s, {login.get('failures', '?')} failures",
                login.get("throughput_rps", 0) >= 50 and login.get("failures") == 0,
            )
        )
    if "ranking" in s:
        r = s["ranking"]
        g = r["generated"]
        out += [
            f"## (e) Ranking a round of {g['attempts']:,} attempts ({g['people']:,} people)",
            "",
            f"Generated in SQL in {g['seconds']} s. `round_rank`: **{r['rank_seconds']} s** for "
            f"{r['results']:,} stored results. The whole close job (the sweep: close, auto-submit "
            f"overdue, rank, prizes): **{r['close_job_seconds']} s** ({r['close_job']}). A re-rank "
            f"(after a disqualification: the stored rows replaced): {r.get('rerank_seconds')} s.",
            "",
        ]
        targets += [
            (
                f"ranking {g['attempts']:,} attempts ≤ 5 s",
                f"{r['rank_seconds']} s",
                r["rank_seconds"] <= 5,
            ),
            (
                "whole close job ≤ 60 s",
                f"{r['close_job_seconds']} s",
                r["close_job_seconds"] <= 60,
            ),
        ]
    if "export" in s:
        r = s["export"]
        out += [
            f"## (f) Results export: {r['rows_ranked']:,} ranked rows as CSV over HTTP",
            "",
            f"HTTP {r['status']}, {r['csv_lines']:,} lines ({r['megabytes']} MB) in "
            f"**{r['seconds']} s** ({r['rows_per_second']:,} rows/s, first byte after "
            f"{r['time_to_first_byte_s']} s). Serving worker RSS {r['worker_rss_before_mb']} MB "
            f"before, **peak {r['worker_rss_peak_mb']} MB** during the download.",
            "",
        ]
        targets.append(
            (
                f"{r['rows_ranked']:,}-row export streamed, memory ≤ 256 MB",
                f"worker peak {r['worker_rss_peak_mb']} MB",
                r["worker_rss_peak_mb"] <= 256 and r["status"] == 200,
            )
        )
    if result.get("storage"):
        st = result["storage"]
        out += [
            "## Storage",
            "",
            f"An attempt row takes {st['attempt_bytes']} bytes and an answer row "
            f"{st['answer_bytes']} bytes with their indexes: "
            f"**{st['gb_per_100k_attempts_of_20']} GB per 100,000 attempts** of 20 questions.",
            "",
        ]
    if result.get("before"):
        out += _before_after(result["before"], summary(result))
    out += ["## DESIGN §4 targets", "", "| target | measured | |", "| --- | --- | --- |"]
    out += [f"| {t} | {m} | {_verdict(ok)} |" for t, m, ok in targets]
    out += [""]
    for note in result.get("notes", []):
        out.append(f"- {note}")
    return "\n".join(out) + "\n"
