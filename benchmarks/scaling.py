#!/usr/bin/env python3
"""The scaling report: weight against delegators, beside an eager baseline.

Runs `benchmark pallet` of a node built with `runtime-benchmarks` (see `scaling.sh`, which
builds it) for 1, 10, 100, 1,000 and 10,000 delegators and writes, next to this file:

- `scaling.json`: every figure below, with the raw medians;
- `scaling.svg`: weight against delegators for each path, ours beside the eager baseline;
- the section of `README.md` between the `scaling:begin` / `scaling:end` markers.

A weight's ref time is what the runtime would charge: the measured execution time plus the
runtime's database weights (`ParityDbWeight` in `runtime/src/weights/`) for the storage reads
and writes the benchmark counted. Proof size is the recorded proof of the run.

`--from-json` renders the report again from a saved `scaling.json` (its medians of execution
time, reads and writes) with the runtime's current database and base weights, without running
the benchmarks.

Standard library only, so it runs wherever the node runs.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(os.path.dirname(HERE), "runtime", "src", "weights")


def runtime_weight_us(file, pattern):
    """A base weight the runtime uses, in µs, read from its generated file (in ns there)."""
    with open(os.path.join(WEIGHTS, file)) as f:
        found = re.search(pattern, f.read())
    if not found:
        sys.exit(f"no match for {pattern!r} in runtime/src/weights/{file}")
    return int(found.group(1).replace("_", "")) / 1_000.0


# The runtime's `DbWeight` (`ParityDbWeight`, measured by `benchmarks/run.sh storage`), in µs.
READ_US = runtime_weight_us("paritydb_weights.rs", r"read: ([\d_]+) \*")
WRITE_US = runtime_weight_us("paritydb_weights.rs", r"write: ([\d_]+) \*")
# The demo runtime's block: normal calls may fill 75 % of 2 s of ref time (no proof-size limit
# on a solochain), and every extrinsic also pays `ExtrinsicBaseWeight` (measured by
# `benchmarks/run.sh overhead`).
NORMAL_BLOCK_US = 1_500_000.0
EXTRINSIC_BASE_US = runtime_weight_us("extrinsic_weights.rs", r"saturating_mul\(([\d_]+)\)")


def extension_us(file, function):
    """A transaction extension's weight in µs, with its reads and writes, from its generated
    weights file (`benchmarks/run.sh frame_system_extensions pallet_transaction_payment`)."""
    with open(os.path.join(WEIGHTS, file)) as f:
        text = f.read()
    body = re.search(rf"fn {function}\(\) -> Weight \{{(.*?)\n\t\}}", text, re.S)
    if not body:
        sys.exit(f"no fn {function} in runtime/src/weights/{file}")
    body = body.group(1)
    ref_time = int(re.search(r"Weight::from_parts\(([\d_]+),", body).group(1).replace("_", ""))
    reads = re.search(r"reads\((\d+)", body)
    writes = re.search(r"writes\((\d+)", body)
    return (
        ref_time / 1_000_000.0
        + (int(reads.group(1)) if reads else 0) * READ_US
        + (int(writes.group(1)) if writes else 0) * WRITE_US
    )


# What every signed transaction of the runtime's `TxExtension` is charged for its extensions
# (a mortal transaction; `CheckMetadataHash` weighs nothing).
EXTENSIONS_US = sum(
    extension_us("frame_system_extensions.rs", f)
    for f in [
        "check_non_zero_sender",
        "check_spec_version",
        "check_tx_version",
        "check_genesis",
        "check_mortality_mortal_transaction",
        "check_nonce",
        "check_weight",
        "weight_reclaim",
    ]
) + extension_us("pallet_transaction_payment.rs", "charge_transaction_payment")

# (key, title, (pallet, benchmark, fixed leading components), eager benchmark, control)
PATHS = [
    (
        "execute_slash",
        "execute_slash (service slash)",
        ("pallet_slashing", "execute_slash", []),
        ("pallet_slashing", "scaling_eager_execute_slash", []),
        ("pallet_slashing", "scaling_control_execute_slash", []),
    ),
    (
        "base_slash",
        "base-layer slash handler",
        ("pallet_restaking", "base_slash_operator", []),
        ("pallet_restaking", "scaling_eager_base_slash", []),
        ("pallet_restaking", "scaling_control_base_slash", []),
    ),
    (
        "payout",
        "insurance payout (1 cover)",
        ("pallet_insurance", "payout", [1]),
        ("pallet_insurance", "scaling_eager_payout", []),
        ("pallet_insurance", "scaling_control_payout", []),
    ),
    (
        "rewards",
        "reward payment",
        ("pallet_restaking", "scaling_pay_rewards", []),
        ("pallet_restaking", "scaling_eager_pay_rewards", []),
        ("pallet_restaking", "scaling_control_pay_rewards", []),
    ),
]

# Calls without components: the `settle` comparison and the block capacity.
SINGLE = [
    ("pallet_restaking", "settle"),
    ("pallet_nomination_pools", "apply_slash"),
    ("pallet_restaking", "delegate"),
    ("pallet_slashing", "request_slash"),
]


def run(node, pallet, benchmarks, low, steps, repeat):
    """Run `benchmarks` of `pallet` with components pinned to `low`; return the batches."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            node, "benchmark", "pallet",
            "--chain", "dev",
            "--pallet", pallet,
            "--extrinsic", ",".join(benchmarks),
            "--wasm-execution", "compiled",
            "--heap-pages", "4096",
            "--steps", str(steps),
            "--repeat", str(repeat),
            "--json-file", out.name,
            "--no-storage-info", "--no-min-squares", "--no-median-slopes",
        ]
        if low:
            values = ",".join(str(v) for v in low)
            command += ["--low", values, "--high", values]
        print("+", " ".join(command[1:]), file=sys.stderr, flush=True)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(out.name) as f:
            return json.load(f)


def summarize(batch):
    """Medians of one benchmark's results: execution (µs), reads, writes, weight, proof."""
    results = batch["time_results"]
    db = batch["db_results"] or results
    exec_us = statistics.median(r["extrinsic_time"] for r in results) / 1_000.0
    reads = max(r["reads"] for r in db)
    writes = max(r["writes"] for r in db)
    proof = statistics.median(r["proof_size"] for r in db)
    return {
        "execution_us": round(exec_us, 1),
        "reads": reads,
        "writes": writes,
        "weight_us": weight_us(exec_us, reads, writes),
        "proof_bytes": int(proof),
    }


def weight_us(exec_us, reads, writes):
    return round(exec_us + reads * READ_US + writes * WRITE_US, 1)


def reweigh(report):
    """Recompute every weight of a saved report with the runtime's current database weights."""
    entries = list(report["single"].values())
    for path in report["paths"].values():
        for role in ("ours", "eager", "control"):
            entries.extend(path.get(role, {}).values())
    for entry in entries:
        entry["weight_us"] = weight_us(entry["execution_us"], entry["reads"], entry["writes"])


def by_name(batches):
    return {b["benchmark"]: summarize(b) for b in batches}


def measure(node, points, steps, repeat):
    report = {"points": points, "paths": {}, "single": {}}
    for key, title, ours, eager, control in PATHS:
        report["paths"][key] = {"title": title, "ours": {}, "eager": {}, "control": {}}
    for d in points:
        # One run per pallet and point; the benchmarks of a path share it where they can.
        wanted = {}
        for key, _, ours, eager, control in PATHS:
            for role, spec in (("ours", ours), ("eager", eager), ("control", control)):
                if spec:
                    pallet, name, fixed = spec
                    wanted.setdefault((pallet, tuple(fixed)), []).append((key, role, name))
        for (pallet, fixed), entries in wanted.items():
            names = [name for _, _, name in entries]
            results = by_name(run(node, pallet, names, list(fixed) + [d], steps, repeat))
            for key, role, name in entries:
                report["paths"][key][role][str(d)] = results[name]
    for pallet, name in SINGLE:
        report["single"][f"{pallet}::{name}"] = by_name(run(node, pallet, [name], [], steps, repeat))[name]
    return report


def flatness(series, points):
    """Weight at the most delegators over weight at one."""
    first, last = series[str(points[0])], series[str(points[-1])]
    return last["weight_us"] / first["weight_us"]


def capacity(weight_us):
    return int(NORMAL_BLOCK_US // (weight_us + EXTRINSIC_BASE_US + EXTENSIONS_US))


def fmt_us(us):
    if us >= 1_000_000:
        return f"{us / 1_000_000:,.2f} s"
    if us >= 1_000:
        return f"{us / 1_000:,.2f} ms"
    return f"{us:,.0f} µs"


def fmt_decade(us):
    for unit, size in (("s", 1_000_000), ("ms", 1_000), ("µs", 1)):
        if us >= size:
            return f"{us / size:g} {unit}"
    return f"{us:g} µs"


def table(report, machine):
    points = report["points"]
    lines = [
        f"Measured by `benchmarks/scaling.sh` on {machine}: median of "
        f"{report['samples']} samples per point; weight = execution + database weights "
        f"({READ_US:g} µs a read, {WRITE_US:g} µs a write).",
        "",
        "| path | delegators | ours: weight | ours: proof | control: weight | ours / control "
        "| eager: weight | eager / ours |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, path in report["paths"].items():
        for d in points:
            ours, eager = path["ours"][str(d)], path["eager"][str(d)]
            control = path["control"][str(d)]
            lines.append(
                f"| {path['title']} | {d:,} | {fmt_us(ours['weight_us'])} | "
                f"{ours['proof_bytes']:,} B | {fmt_us(control['weight_us'])} | "
                f"{ours['weight_us'] / control['weight_us']:.3f} | "
                f"{fmt_us(eager['weight_us'])} | {eager['weight_us'] / ours['weight_us']:,.1f} |"
            )
    first, last = f"{points[0]:,}", f"{points[-1]:,}"
    lines += [
        "",
        f"| path | ours: at {last} / at {first} | control: at {last} / at {first} "
        f"| ours / control at {last} | eager: at {last} / at {first} |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, path in report["paths"].items():
        ours, control = path["ours"][str(points[-1])], path["control"][str(points[-1])]
        lines.append(
            f"| {path['title']} | {flatness(path['ours'], points):.3f} | "
            f"{flatness(path['control'], points):.3f} | "
            f"{ours['weight_us'] / control['weight_us']:.3f} | "
            f"{flatness(path['eager'], points):,.0f} |"
        )
    single = report["single"]
    settle = single["pallet_restaking::settle"]
    apply = single["pallet_nomination_pools::apply_slash"]
    lines += [
        "",
        "| call | execution | reads / writes | weight | proof |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s in single.items():
        lines.append(
            f"| `{name}` | {fmt_us(s['execution_us'])} | {s['reads']} / {s['writes']} | "
            f"{fmt_us(s['weight_us'])} | {s['proof_bytes']:,} B |"
        )
    lines += [
        "",
        f"`settle` / nomination pools' `apply_slash` = "
        f"{settle['weight_us'] / apply['weight_us']:.2f} (same node, same run).",
        "",
        "Block capacity of the demo runtime (1.5 s of normal ref time, each extrinsic "
        f"also paying {EXTRINSIC_BASE_US} µs of base weight and {EXTENSIONS_US:.1f} µs for its "
        "transaction extensions):",
        "",
        "| call | weight | per block |",
        "|---|---:|---:|",
    ]
    slash = report["paths"]["execute_slash"]["ours"]
    worst = max(slash.values(), key=lambda s: s["weight_us"])
    for name, s in (
        ("delegate", single["pallet_restaking::delegate"]),
        ("request_slash", single["pallet_slashing::request_slash"]),
        ("execute_slash (any delegator count)", worst),
    ):
        lines.append(f"| `{name}` | {fmt_us(s['weight_us'])} | {capacity(s['weight_us']):,} |")
    return "\n".join(lines)


def plot(report, path):
    """A 2×2 grid of log-log charts, one per path: ours, eager and (where run) control."""
    points = report["points"]
    width, height, pad = 440, 300, 64
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{2 * height + 30}" '
        'font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width}" y="18" text-anchor="middle" font-size="14">Weight against '
        "delegators (both axes log): ours (solid blue), control (dotted green), "
        "eager baseline (dashed red)</text>",
    ]
    styles = {
        "ours": 'stroke="#1f77b4" stroke-width="2.5"',
        "eager": 'stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"',
        "control": 'stroke="#2ca02c" stroke-width="2" stroke-dasharray="2 3"',
    }
    for i, (key, data) in enumerate(report["paths"].items()):
        ox, oy = (i % 2) * width, 30 + (i // 2) * height
        values = [
            s["weight_us"] for role in ("ours", "eager", "control") for s in data[role].values()
        ]
        y_lo = 10 ** math.floor(math.log10(min(values)))
        y_hi = 10 ** math.ceil(math.log10(max(values)))
        x_lo, x_hi = math.log10(points[0]), math.log10(points[-1])

        def x(d):
            return ox + pad + (math.log10(d) - x_lo) / (x_hi - x_lo) * (width - 2 * pad)

        def y(v):
            frac = (math.log10(v) - math.log10(y_lo)) / (math.log10(y_hi) - math.log10(y_lo))
            return oy + height - pad - frac * (height - 2 * pad)

        svg.append(
            f'<text x="{ox + width / 2}" y="{oy + 20}" text-anchor="middle" '
            f'font-weight="bold">{data["title"]}</text>'
        )
        svg.append(
            f'<rect x="{ox + pad}" y="{oy + pad}" width="{width - 2 * pad}" '
            f'height="{height - 2 * pad}" fill="none" stroke="#999"/>'
        )
        for d in points:
            svg.append(
                f'<text x="{x(d):.1f}" y="{oy + height - pad + 14}" '
                f'text-anchor="middle">{d:,}</text>'
            )
        decade = y_lo
        while decade <= y_hi:
            svg.append(
                f'<line x1="{ox + pad}" x2="{ox + width - pad}" y1="{y(decade):.1f}" '
                f'y2="{y(decade):.1f}" stroke="#eee"/>'
            )
            svg.append(
                f'<text x="{ox + pad - 4}" y="{y(decade) + 4:.1f}" text-anchor="end">'
                f"{fmt_decade(decade)}</text>"
            )
            decade *= 10
        for role, style in styles.items():
            series = data[role]
            if not series:
                continue
            coords = " ".join(f"{x(int(d)):.1f},{y(s['weight_us']):.1f}" for d, s in series.items())
            svg.append(f'<polyline points="{coords}" fill="none" {style}/>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def write_readme(text, path):
    begin, end = "<!-- scaling:begin -->", "<!-- scaling:end -->"
    with open(path) as f:
        readme = f.read()
    head, rest = readme.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(f"{head}{begin}\n{text}\n{end}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", help="node built with runtime-benchmarks")
    parser.add_argument(
        "--from-json", help="render this saved scaling.json again instead of measuring"
    )
    parser.add_argument("--points", default="1,10,100,1000,10000")
    parser.add_argument("--steps", type=int, default=2, help="samples per repeat (at least 2)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--machine", default="this machine")
    parser.add_argument("--out", default=HERE, help="folder for scaling.json, scaling.svg")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report = json.load(f)
        reweigh(report)
    elif args.node:
        points = [int(p) for p in args.points.split(",")]
        report = measure(args.node, points, args.steps, args.repeat)
        report["samples"] = args.steps * args.repeat
        report["machine"] = args.machine
    else:
        parser.error("either --node or --from-json is required")
    with open(os.path.join(args.out, "scaling.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    plot(report, os.path.join(args.out, "scaling.svg"))
    text = table(report, report["machine"])
    readme = os.path.join(args.out, "README.md")
    if os.path.exists(readme):
        write_readme(text, readme)
    print(text)


if __name__ == "__main__":
    main()
