"""Log-log line plots of a whitespace data file as SVG, with gnuplot."""
import os
import shutil
import subprocess


def loglog_svg(data, svg, title, xlabel, ylabel, series, using="1:4"):
    """Plots columns `using` of `data` into `svg`; False when gnuplot is missing."""
    if not shutil.which("gnuplot"):
        return False
    script = f"""set terminal svg size 640,400 dynamic noenhanced
set output '{svg}'
set logscale xy
set xlabel '{xlabel}'
set ylabel '{ylabel}'
set title '{title}'
set grid
plot '{data}' using {using} with linespoints title '{series}'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=False)
    return os.path.exists(svg)
