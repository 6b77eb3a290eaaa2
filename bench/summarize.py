#!/usr/bin/env python3
"""The goal table of bench/RESULTS.md from one bench/compare.sh results directory.

usage: summarize.py RESULTS_DIR
       summarize.py --from-bench LABEL < bench.json   (a `tsecho bench --json` report as a
                                                        load-generator line, for the same tables)
Ratios are tsecho over the C server of the same sitting; medians over the runs. The goals are the
second performance round's.
"""
import json
import os
import statistics
import subprocess
import sys


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def medians(rows):
    """{(server, config): {field: median}} from load-generator lines labelled server|config|run."""
    groups = {}
    for row in rows:
        parts = row.get("label", "").split("|")
        if len(parts) == 3:
            groups.setdefault((parts[0], parts[1]), []).append(row)
    out = {}
    for key, runs in groups.items():
        m = {"runs": len(runs), "errors": sum(int(r.get("errors", 0) or 0) for r in runs),
             "transport": "+".join(sorted({r["transport"] for r in runs if r.get("transport")})),
             "all_served": all(r.get("conns_ok", r.get("conns")) == r.get("conns") for r in runs)}
        for field in ("msgs_per_s", "p50_us", "p99_us", "p999_us", "srv_cpu_us_per_msg"):
            values = [r[field] for r in runs if r.get(field) is not None]
            m[field] = statistics.median(values) if values else None
        out[key] = m
    return out


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(x, digits=2):
    return "n/a" if x is None else "%.*f" % (digits, x)


def verdict(value, goal, higher_is_better):
    if goal is None:
        return ""  # a row for reference, with no goal of its own
    if value is None:
        return "n/a"
    return "met" if (value >= goal if higher_is_better else value <= goal) else "**not met**"


def from_bench(label):
    report = json.load(sys.stdin)
    latency = report["latency"]
    print(json.dumps({"label": label, "conns": report["connections"],
                      "conns_ok": report["connections"] - report["connections_failed"],
                      "msgs_per_s": report["requests_per_s"], "p50_us": latency["p50_us"],
                      "p99_us": latency["p99_us"], "p999_us": latency["p99_9_us"],
                      "errors": report["errors"]["total"], "transport": report.get("transport")}))


def summarize(directory):
    load = medians(read_lines(os.path.join(directory, "load.jsonl")))
    client = medians(read_lines(os.path.join(directory, "client.jsonl")))
    mem = {r["label"]: r for r in read_lines(os.path.join(directory, "mem.jsonl"))}
    startup = read_lines(os.path.join(directory, "startup.json"))
    with open(os.path.join(directory, "machine.txt")) as f:
        print(f.read().strip().replace("\n", "  \n"))
    print()

    def pair(config):
        return load.get(("tsecho", config)), load.get(("c-ref", config))

    rows = []

    def row(measure, c_value, t_value, value, goal_text, goal, higher_is_better, digits=2):
        rows.append((measure, c_value, t_value, fmt(value, digits), goal_text, verdict(value, goal, higher_is_better)))

    t, c = pair("100x16")
    if t and c:
        row("messages/s, 100 × 16", "%.0f" % c["msgs_per_s"], "%.0f" % t["msgs_per_s"],
            ratio(t["msgs_per_s"], c["msgs_per_s"]), "≥ 0.9×", 0.9, True)
        row("server CPU µs/message, 100 × 16", fmt(c["srv_cpu_us_per_msg"], 3), fmt(t["srv_cpu_us_per_msg"], 3),
            ratio(t["srv_cpu_us_per_msg"], c["srv_cpu_us_per_msg"]), "≤ 1.5×", 1.5, False)
        row("p99 µs, 100 × 16", fmt(c["p99_us"], 0), fmt(t["p99_us"], 0), ratio(t["p99_us"], c["p99_us"]),
            "≤ 1.3×", 1.3, False)
    for config, label in (("1x1@same", "1 × 1, one core"), ("1x1", "1 × 1, two cores (for reference)")):
        t, c = pair(config)
        if t and c:
            strict = config == "1x1@same"
            row("p50 µs, " + label, fmt(c["p50_us"], 1), fmt(t["p50_us"], 1), ratio(t["p50_us"], c["p50_us"]),
                "≤ 1.1×" if strict else "—", 1.1 if strict else None, False)
            row("p99 µs, " + label, fmt(c["p99_us"], 1), fmt(t["p99_us"], 1), ratio(t["p99_us"], c["p99_us"]),
                "≤ 1.3×" if strict else "—", 1.3 if strict else None, False)
    t, c = pair("1000x1")
    if t and c:
        row("messages/s, 1000 × 1%s" % ("" if t["all_served"] else " (not every connection served)"),
            "%.0f" % c["msgs_per_s"], "%.0f" % t["msgs_per_s"], ratio(t["msgs_per_s"], c["msgs_per_s"]),
            "≥ 1.0×", 1.0, True)
        row("p99 µs, 1000 × 1", fmt(c["p99_us"], 0), fmt(t["p99_us"], 0), ratio(t["p99_us"], c["p99_us"]),
            "≤ 1.1×", 1.1, False)
    for config, label in (("100x16", "100 × 16"), ("1000x1", "1000 × 1")):
        t, c = load.get(("tsecho-io_uring", config)), load.get(("c-ref", config))
        if t and c:
            goal = 0.9 if config == "100x16" else 1.0
            served = "" if t["all_served"] else " (not every connection served)"
            row("messages/s, %s, `--transport io_uring`%s" % (label, served), "%.0f" % c["msgs_per_s"],
                "%.0f" % t["msgs_per_s"], ratio(t["msgs_per_s"], c["msgs_per_s"]), "≥ %.1f×" % goal, goal, True)
            if config == "100x16":
                row("server CPU µs/message, 100 × 16, `--transport io_uring`", fmt(c["srv_cpu_us_per_msg"], 3),
                    fmt(t["srv_cpu_us_per_msg"], 3), ratio(t["srv_cpu_us_per_msg"], c["srv_cpu_us_per_msg"]),
                    "≤ 1.5×", 1.5, False)
            p99_goal = 1.3 if config == "100x16" else 1.1
            row("p99 µs, %s, `--transport io_uring`" % label, fmt(c["p99_us"], 0), fmt(t["p99_us"], 0),
                ratio(t["p99_us"], c["p99_us"]), "≤ %.1f×" % p99_goal, p99_goal, False)
    t, c = pair("4x16:udp")
    if t and c:
        row("UDP messages/s, 4 × 16", "%.0f" % c["msgs_per_s"], "%.0f" % t["msgs_per_s"],
            ratio(t["msgs_per_s"], c["msgs_per_s"]), "≥ 0.95×", 0.95, True)
    for label, text in (("tsecho", "after 3 s, as the harness measures"), ("tsecho-settled", "after 10 s")):
        if label in mem and "c-ref" in mem:
            value = mem[label]["rss_delta_per_conn_bytes"]
            rows.append(("memory per idle connection, %d idle, %s" % (mem[label]["idle_conns"], text),
                         "%d B" % mem["c-ref"]["rss_delta_per_conn_bytes"], "%d B" % value, "%d B" % value,
                         "≤ 2,000 B", verdict(value, 2000, False)))
    if startup:
        s = startup[0]
        rows.append(("start to listening line, `./tsecho serve`", "—", "%.3f s" % s["median_s"],
                     "%.3f s" % s["median_s"], "≤ 0.5 s", verdict(s["median_s"], 0.5, False)))
    # Sittings before the tenth ran bench on epoll by default and on io_uring when asked.
    for bench, asked in (("tsecho-bench", ""), ("tsecho-bench-epoll", " `--transport epoll`"),
                         ("tsecho-bench-io_uring", " `--transport io_uring`")):
        for config in ("100x16", "1x1"):
            b, l = client.get((bench, config)), client.get(("loadgen", config))
            if b and l:
                how = asked or (" (%s)" % b["transport"] if b["transport"] else "")  # what auto chose
                load_text = config.replace("x", " × ")
                row("`tsecho bench`%s vs C loadgen, requests/s, %s" % (how, load_text),
                    "%.0f" % l["msgs_per_s"], "%.0f" % b["msgs_per_s"], ratio(b["msgs_per_s"], l["msgs_per_s"]),
                    "≥ 0.95×", 0.95, True)
                for field, name, goal in (("p50_us", "p50", 1.1), ("p99_us", "p99", 1.3)):
                    row("`tsecho bench`%s vs C loadgen, %s, %s" % (how, name, load_text),
                        fmt(l[field], 1), fmt(b[field], 1), ratio(b[field], l[field]), "≤ %.1f×" % goal, goal, False)

    print("| measure | C server | tsecho | ratio | goal | |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(r))
    errors = sum(m["errors"] for m in load.values()) + sum(m["errors"] for m in client.values())
    print()
    print("Errors reported by the load generators over every run: %d." % errors)
    table = os.path.join(directory, "perf", "table.py")
    if os.path.exists(table):
        print()
        print("Every configuration, medians (the harness's table):")
        print()
        sys.stdout.flush()
        subprocess.run([sys.executable, table, "--ref", "c-ref", "--markdown", os.path.join(directory, "load.jsonl")],
                       check=False)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--from-bench":
        from_bench(sys.argv[2])
    elif len(sys.argv) == 2:
        summarize(sys.argv[1])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
