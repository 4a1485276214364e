#!/bin/bash
# Submits the pieces of a poster or a stack as a job array, and its merge to run after every task of
# the array succeeded: ./submit.sh poster | ./submit.sh stack
set -euo pipefail
cd "$(dirname "$0")"
what=${1:?usage: submit.sh poster|stack}

pieces=$(sbatch --parsable "$what.sbatch")
# --parsable prints JOBID or JOBID;CLUSTER.
sbatch --dependency="afterok:${pieces%%;*}" "$what-merge.sbatch"
