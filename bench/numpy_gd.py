# Whole-array float32 GD on mf-scalar f = (1 - xy)^2/2 with a divergence mask: the yardstick of
# issue 10 (1024² starts over [0.3, 2]², h = 0.5, 1000 steps). python3 bench/numpy_gd.py [N] [STEPS]
import sys, numpy as np
n, steps, h = int(sys.argv[1]) if len(sys.argv) > 1 else 1024, int(sys.argv[2]) if len(sys.argv) > 2 else 1000, np.float32(0.5)
c = (0.3 + (np.arange(n, dtype=np.float32) + 0.5) * (1.7 / n)).astype(np.float32)
x, y = np.meshgrid(c, c)
alive = np.ones_like(x, dtype=bool)
for _ in range(steps):
    r = x * y - np.float32(1)
    x, y = x - h * r * y, y - h * r * x
    alive &= (np.abs(x) <= 1e6) & (np.abs(y) <= 1e6)
print(f"{n}x{n} x {steps}: bounded {int(alive.sum())}")
