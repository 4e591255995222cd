"""Locust scenarios of the harness (bench/run.py starts Locust headless with this file).

BENCH_SCENARIO picks one:
- rush:  N logged-in participants press "Vào thi" of a round that has just opened, spread evenly
         over BENCH_WINDOW seconds (an arrival schedule, not a closed loop), then load their page.
- mixed: people mid-quiz: home, start, quiz page, 20 answers with think time (some changed,
         some page reloads), submit, result; again.
- login: phone + password logins (the Argon2 hasher), each with a fresh cookie jar.

Every acknowledged answer save is logged (attempt, question, seq, option tokens) to
BENCH_ACKS for the correctness check; the SQL statements each response reports
(X-Bench-Queries) are summed per request name into BENCH_QUERIES, with the requests each
server process served (X-Bench-Worker) under "_workers".
"""

import html
import itertools
import json
import os
import random
import re
import time
from collections import defaultdict

import gevent
import gevent.pool
from locust import FastHttpUser, events, task
from locust.exception import StopUser

SCENARIO = os.environ.get("BENCH_SCENARIO", "mixed")
with open(os.environ["BENCH_STATE"]) as _state:
    STATE = json.load(_state)
HOST = os.environ.get("BENCH_HOST", "127.0.0.1:18000")
CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid CSRF secret
THINK = float(os.environ.get("BENCH_THINK", "3"))
WINDOW = float(os.environ.get("BENCH_WINDOW", "10"))
STARTS_AT = float(os.environ.get("BENCH_STARTS_AT", "0"))
OFFSET = int(os.environ.get("BENCH_OFFSET", "0"))
COUNT = int(os.environ.get("BENCH_COUNT", "0"))
ROUND = int(os.environ.get("BENCH_ROUND", "0"))

PEOPLE = STATE["participants"][OFFSET : OFFSET + COUNT] if COUNT else []
_next_person = itertools.count()
_next_user = itertools.count()
_acks: list[str] = []
_queries: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # requests, queries, transaction
_workers: dict[str, int] = defaultdict(int)  # requests per server process (X-Bench-Worker)
_done = {"n": 0}

QUESTION = re.compile(r'data-question="(\d+)"')
OPTION = re.compile(r'name="q(\d+)" value="([0-9a-f]{16})"')
REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+);url=([^"]+)">')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SAVE_PASS = re.compile(r'"savePass": "([0-9a-f.]+)"')
_waiting = {"pages": 0}


@events.request.add_listener
def _count_queries(name, response, exception, **kwargs):
    if response is None or exception is not None:
        return
    headers = response.headers or {}
    worker = headers.get("X-Bench-Worker")
    if worker:
        _workers[worker] += 1
    queries = headers.get("X-Bench-Queries")
    if queries is not None:
        entry = _queries[name]
        entry[0] += 1
        entry[1] += int(queries)
        entry[2] += int(headers.get("X-Bench-Transaction") or 0)


@events.quitting.add_listener
def _write_logs(environment, **kwargs):
    if os.environ.get("BENCH_ACKS"):
        with open(os.environ["BENCH_ACKS"], "w") as out:
            out.write("".join(line + "\n" for line in _acks))
    if os.environ.get("BENCH_QUERIES"):
        with open(os.environ["BENCH_QUERIES"], "w") as out:
            json.dump({**_queries, "_workers": dict(_workers)}, out)


def _headers(session: str, ip: str, **extra) -> dict:
    return {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        # As nginx forwards it: TLS ended at the proxy, the client's own address.
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": ip,
        "Referer": f"https://{HOST}/",
        **extra,
    }


def _ip(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Participant(FastHttpUser):
    # Each simulated person opens their own connections, like browsers behind nginx.
    concurrency = 2
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self):
        self.number = next(_next_user)
        if SCENARIO != "login":
            # One simulated user carries many people (the rush: one greenlet each), each with
            # their own session in an explicit Cookie header, as each phone has its own jar. A
            # shared cookie jar would mix their Set-Cookie answers into the others' requests
            # (seen: ~1,000 quiz pages of 5,000 sent with another's or an emptied session).
            self.client.client.cookiejar = None
        if SCENARIO == "rush":
            # Never follow a redirect. Locust implements allow_redirects=False by switching
            # redirects off on the user's shared client for the duration of the request, so
            # with many people on one user a POST's 302 was sometimes followed (and, the
            # client dropping the Cookie header on a redirect, landed on the login page).
            self.client.client.redirect_response_codes = frozenset()

    @task
    def scenario(self):
        if SCENARIO == "rush":
            self.rush()
        elif SCENARIO == "login":
            self.login()
        else:
            self.mixed()

    # --- (b) the 00h opening ---------------------------------------------------------------
    def rush(self):
        """Each person presses at their scheduled moment in a greenlet of their own, so that
        a person kept on the waiting page never delays the next one's press (the user only
        shares its connections, which a waiting person does not hold while it waits)."""
        people = gevent.pool.Group()
        while True:
            index = next(_next_person)
            if index >= len(PEOPLE):
                people.join()
                raise StopUser()
            scheduled = STARTS_AT + WINDOW * index / len(PEOPLE)
            delay = scheduled - time.time()
            if delay > 0:
                gevent.sleep(delay)
            people.spawn(self._rush_person, index)

    def _rush_person(self, index: int) -> None:
        person = PEOPLE[index]
        headers = _headers(person["session"], _ip(index + 1))
        try:
            location = self._start_through_the_queue(headers)
            if location:
                with self.client.get(
                    location, headers=headers, name="quiz page (after start)",
                    allow_redirects=False, catch_response=True,
                ) as page:  # fmt: skip
                    if page.status_code != 200:
                        page.failure(f"quiz page: {page.status_code}")
        finally:
            _done["n"] += 1
            if _done["n"] >= len(PEOPLE):
                gevent.spawn_later(0.5, self.environment.runner.quit)

    def _start_through_the_queue(self, headers) -> str:
        """Press "Vào thi"; on the waiting page, do what its meta refresh does (wait the
        seconds it says, then load its URL) until the quiz page's address comes back."""
        method, url, name = "POST", f"/dot-thi/{ROUND}/vao-thi/", "start"
        for _ in range(200):
            with self.client.request(
                method, url, headers=headers, name=name, allow_redirects=False,
                catch_response=True,
            ) as response:  # fmt: skip
                location = response.headers.get("Location", "") if response.headers else ""
                if response.status_code == 302 and "/bai-thi/" in location:
                    return location
                refresh = (
                    REFRESH.search(response.text or "") if response.status_code == 200 else None
                )
                if refresh is None:
                    title = TITLE.search(response.text or "")
                    response.failure(
                        f"{name}: {response.status_code} {location}"
                        f" {title.group(1).strip() if title else (response.text or '')[:80]}"
                    )
                    return ""
            _waiting["pages"] += 1
            gevent.sleep(int(refresh.group(1)))
            method, url, name = "GET", html.unescape(refresh.group(2)), "start (waiting page)"
        return ""

    # --- (c) the realistic mixed flow ------------------------------------------------------
    def mixed(self):
        person = PEOPLE[self.number % len(PEOPLE)]
        headers = _headers(person["session"], _ip(OFFSET + self.number + 1))
        gevent.sleep(random.uniform(0, THINK))  # arrivals spread out
        self.client.get("/", headers=headers, name="home")
        location = self._start_through_the_queue(headers)
        if not location:
            gevent.sleep(THINK)
            return
        attempt = int(location.rstrip("/").rsplit("/", 1)[-1])
        page = self.client.get(location, headers=headers, name="quiz page")
        options: dict[int, list[str]] = defaultdict(list)
        for question, token in OPTION.findall(page.text or ""):
            options[int(question)].append(token)
        questions = [int(q) for q in QUESTION.findall(page.text or "")]
        found = SAVE_PASS.search(page.text or "")
        if found:  # the autosave's signed pass, sent as quiz.js sends it
            headers = {**headers, "X-Attempt-Pass": found.group(1)}
        seqs: dict[int, int] = defaultdict(int)
        save_url = f"/bai-thi/{attempt}/luu/"
        for question in questions:
            changes = 2 if random.random() < 0.15 else 1
            for _ in range(changes):
                gevent.sleep(random.uniform(0.5 * THINK, 1.5 * THINK))
                seqs[question] += 1
                tokens = [random.choice(options[question])]
                self._save(save_url, headers, attempt, question, seqs[question], tokens)
            if random.random() < 0.05:
                self.client.get(location, headers=headers, name="quiz page (reload)")
        gevent.sleep(random.uniform(0.5 * THINK, 1.5 * THINK))
        with self.client.post(
            f"/bai-thi/{attempt}/nop-bai/",
            data={"csrfmiddlewaretoken": CSRF},
            headers=headers,
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"submit: {response.status_code}")
                return
        self.client.get(f"/bai-thi/{attempt}/ket-qua/", headers=headers, name="result")

    def _save(self, url, headers, attempt, question, seq, tokens):
        body = json.dumps({"question": question, "choices": tokens, "seq": seq})
        with self.client.post(
            url,
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            name="answer save",
            catch_response=True,
        ) as response:
            try:
                payload = json.loads(response.text or "{}")
            except ValueError:
                payload = {}
            if response.status_code != 200 or not payload.get("ok"):
                response.failure(f"save: {response.status_code} {payload.get('code')}")
                return
            if payload.get("saved"):
                _acks.append(
                    json.dumps(
                        {"attempt": attempt, "question": question, "seq": seq, "choices": tokens}
                    )
                )

    # --- (d) logins ------------------------------------------------------------------------
    def login(self):
        phones = STATE["login_phones"]
        index = next(_next_person)
        phone = phones[index % len(phones)]
        self.client.cookiejar.clear()
        with self.client.post(
            "/accounts/login/",
            data={"login": phone, "password": STATE["password"], "csrfmiddlewaretoken": CSRF},
            headers={
                "Cookie": f"csrftoken={CSRF}",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": _ip(100000 + index),
                "Referer": f"https://{HOST}/accounts/login/",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                reason = re.search(
                    r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]+)', response.text or ""
                )
                response.failure(f"login: {response.status_code} {reason and reason.group(1)}")
