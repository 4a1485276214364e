#!/usr/bin/env python3
"""Issue 10's comparison, whole processes side by side: the 12-line numpy float32 script
(bench/numpy_gd.py) against `gdlab basin --engine cpu` on mf-scalar, h = 0.5, [0.3, 2]^2,
1024^2 x 1000 steps, without and with the Lyapunov exponent. Rounds are interleaved so that other
load on the machine falls on all three alike; each run's wall and CPU time (user + system, all its
threads) is printed, then the fastest wall time of each and the ratios.

    python3 bench/cpu_vs_numpy.py [ROUNDS]      (default 3)
"""
import os, resource, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
gdlab = ["node", os.path.join(root, "bin", "gdlab.js"), "basin", "--objective", "mf-scalar", "--lr", "0.5",
         "--x", "0.3:2", "--y", "0.3:2", "--size", "1024x1024", "--iters", "1000", "--engine", "cpu", "--json", os.devnull]
runs = {
    "numpy float32": [sys.executable, os.path.join(root, "bench", "numpy_gd.py"), "1024", "1000"],
    "gdlab cpu --no-lyapunov": gdlab + ["--no-lyapunov"],
    "gdlab cpu (Lyapunov)": gdlab,
}

def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

best = {name: (float("inf"), 0.0) for name in runs}
print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
for r in range(rounds):
    for name, cmd in runs.items():
        wall, cpu = timed(cmd)
        print(f"round {r + 1}  {name:26s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
        if wall < best[name][0]:
            best[name] = (wall, cpu)
numpy, plain, lyap = (best[n][0] for n in runs)
print(f"fastest: numpy {numpy:.2f} s, gdlab --no-lyapunov {plain:.2f} s, gdlab with Lyapunov {lyap:.2f} s")
print(f"numpy / gdlab --no-lyapunov = {numpy / plain:.2f}x (target >= 2)")
print(f"gdlab with / without Lyapunov = {lyap / plain:.2f}x (target <= 1.6)")
print(f"load average {os.getloadavg()[0]:.2f} at the end")
