-- wrk -s: prints, after the run, "requests p10 p50 p90 p99" (milliseconds): the spread of the latency,
-- which --latency's four fixed percentiles (50, 75, 90, 99) show only from the middle up.
done = function(summary, latency, requests)
  local line = tostring(summary.requests)
  for _, p in ipairs({10, 50, 90, 99}) do
    line = line .. string.format(" %.2f", latency:percentile(p) / 1000)
  end
  io.write(line .. "\n")
end
