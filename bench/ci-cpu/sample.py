#!/usr/bin/env python3
# Samples every process's cumulative CPU every 2 s; writes the last sight of each to a TSV at exit (SIGTERM) and every 30 s.
import os, time, signal, sys
out = sys.argv[1]
tick = os.sysconf('SC_CLK_TCK')
seen = {}
def dump():
    with open(out + '.tmp', 'w') as f:
        for (pid, st), (cpu, ppid, cmd, cwd, first, last, cpu0) in seen.items():
            f.write(f"{pid}\t{ppid}\t{cpu-cpu0 if first==t0 else cpu:.2f}\t{first:.0f}\t{last:.0f}\t{cwd}\t{cmd}\n")
    os.replace(out + '.tmp', out)
stop = False
def on_term(*a):
    global stop; stop = True
signal.signal(signal.SIGTERM, on_term)
n = 0
t0 = None
while not stop:
    now = time.time()
    if t0 is None: t0 = now
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            with open(f'/proc/{p}/stat') as f: s = f.read()
            rest = s[s.rindex(')') + 2:].split()
            ppid = int(rest[1]); ut = int(rest[11]); stt = int(rest[12]); cut=int(rest[13]); cst=int(rest[14]); start = int(rest[19])
            key = (int(p), start)
            cpu = (ut + stt) / tick
            if key in seen:
                e = seen[key]; seen[key] = (cpu, e[1], e[2], e[3], e[4], now, e[6])
            else:
                try:
                    with open(f'/proc/{p}/cmdline', 'rb') as f: cmd = f.read().replace(b'\0', b' ').decode(errors='replace')[:600]
                except Exception: cmd = '?'
                try: cwd = os.readlink(f'/proc/{p}/cwd')
                except Exception: cwd = '?'
                seen[key] = (cpu, ppid, cmd.replace('\n',' ').replace('\t',' '), cwd, now, now, cpu)
        except Exception:
            pass
    n += 1
    if n % 15 == 0: dump()
    time.sleep(2)
dump()
