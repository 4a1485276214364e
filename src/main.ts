/**
 * Entry point of the lab: registers <gd-lab>, which reads the spec from the URL hash (or opens the
 * default experiment) and chooses WebGPU or the CPU worker itself.
 */
import './ui/gd-lab/gd-lab.ts';
