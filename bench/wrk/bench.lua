-- wrk script of the harness: one endpoint, requests rotating over ready sessions.
-- wrk -t<T> -s bench/wrk/bench.lua URL -- <mode: empty|page|save> <records file> <first seq> <T>
-- Records: "session attempt question tokenA tokenB pass" per line (pass: the autosave's
-- signed pass that the quiz page gives its script, quizzes.save_pass). Prints one JSON line at the end.
-- Each thread takes its own attempts (attempt id modulo T): two threads replaying the same
-- sequence numbers on one answer would make half of the saves stale ("saved": false).
-- X-Bench-Worker (the server's process id) is counted per worker: the harness refuses a run
-- where one worker served most requests.
local threads = {}
local csrf = "benchcsrftoken0123456789abcdefgh"

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  first_seq = tonumber(args[3] or "1")
  local thread_count = tonumber(args[4] or "1")
  records = {}
  for line in io.lines(args[2]) do
    local s, a, q, t1, t2, p = line:match("(%S+) (%S+) (%S+) (%S+) (%S+) (%S+)")
    if tonumber(a) % thread_count == thread_index then
      table.insert(records, {session = s, attempt = a, question = q, tokens = {t1, t2}, pass = p})
    end
  end
  counter = 0
  queries = 0
  counted = 0
  bad = 0
  workers = {}
end

function request()
  local n = #records
  local r = records[(counter % n) + 1]
  local round = math.floor(counter / n)
  counter = counter + 1
  local headers = {
    ["Cookie"] = "sessionid=" .. r.session .. "; csrftoken=" .. csrf,
    ["X-CSRFToken"] = csrf,
    ["X-Forwarded-Proto"] = "https",
    ["X-Forwarded-For"] = "10.9." .. (counter % 250) .. ".1",
    ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/",
    -- As every phone's browser asks: the quiz page is then compressed, as it is for them.
    ["Accept-Encoding"] = "gzip, deflate, br",
  }
  if mode == "save" then
    headers["Content-Type"] = "application/json"
    headers["X-Attempt-Pass"] = r.pass
    local body = '{"question": ' .. r.question .. ', "choices": ["' .. r.tokens[(round % 2) + 1]
      .. '"], "seq": ' .. (first_seq + round) .. '}'
    return wrk.format("POST", "/bai-thi/" .. r.attempt .. "/luu/", headers, body)
  elseif mode == "page" then
    return wrk.format("GET", "/bai-thi/" .. r.attempt .. "/", headers)
  end
  return wrk.format("GET", "/bench/empty/", headers)
end

function response(status, headers, body)
  local q = headers["X-Bench-Queries"]
  if q then
    queries = queries + tonumber(q)
    counted = counted + 1
  end
  local w = headers["X-Bench-Worker"]
  if w then
    workers[w] = (workers[w] or 0) + 1
  end
  if status ~= 200 or (mode == "save" and not body:find('"saved": true', 1, true)) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local q, c, b = 0, 0, 0
  local per_worker = {}
  for _, t in ipairs(threads) do
    q = q + t:get("queries")
    c = c + t:get("counted")
    b = b + t:get("bad")
    for w, n in pairs(t:get("workers")) do
      per_worker[w] = (per_worker[w] or 0) + n
    end
  end
  local spread = {}
  for w, n in pairs(per_worker) do
    table.insert(spread, string.format('"%s": %d', w, n))
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "socket_errors": %d, "non_2xx": %d, "bad": %d, ' ..
    '"queries": %d, "counted": %d, "workers": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status, b, q, c, table.concat(spread, ", ")))
end
