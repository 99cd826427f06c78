"""Runs one process for the benchmarks: wall seconds, CPU seconds, peak memory.

CPU seconds (user + system of the process and its children, from wait4) are
what to compare on a shared machine: wall seconds grow with the load of
other people's jobs, CPU seconds much less.
"""
import os
import signal
import subprocess
import tempfile
import threading
import time


class Run:
    def __init__(self, returncode, stdout, stderr, wall, cpu, peak_kib, killed):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.wall = wall
        self.cpu = cpu
        self.peak_kib = peak_kib
        self.killed = killed


def run(cmd, kill_after=None, cwd=None, env=None):
    """Runs cmd in its own process group; past kill_after seconds it gets SIGINT, then SIGKILL 10 s later."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        killed = []

        def stop():
            killed.append(True)
            for sig, wait in ((signal.SIGINT, 10), (signal.SIGKILL, 0)):
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    return
                if wait and _wait_exit(p.pid, wait):
                    return

        timer = threading.Timer(kill_after, stop) if kill_after else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        except BaseException:  # Ctrl-C of the benchmark: do not leave the measured process behind
            if timer:
                timer.cancel()
            os.killpg(p.pid, signal.SIGKILL)
            os.wait4(p.pid, 0)
            raise
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(p.returncode, out.read(), err.read(), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                   bool(killed))


def _wait_exit(pid, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def load_average():
    return os.getloadavg()[0]


def machine():
    """One line: CPU model, cores, memory."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores{mem}"

