#!/usr/bin/env python3
# Compares two bench-results.json files (before, after): Tether's median [min..max] in each, its ratio to
# raw Pekko measured in the same run, and whether a figure got worse beyond the spread of "before".
#   bench/compare-results.py bench/results/BEFORE.json bench/results/AFTER.json
import json, sys
before=json.load(open(sys.argv[1])); after=json.load(open(sys.argv[2]))
key=lambda r:(r['scenario'],r['system'],r['metric'])
B={key(r):r for r in before}; A={key(r):r for r in after}
higher_better={'handshake-rate','throughput','peak-connect-rate','accept-rate'}
# Figures of either file, in file order: a scenario that only one of them ran (e.g. accept, added
# later) is shown with '-' on the other side.
order=[]
for r in before+after:
    k=(r['scenario'],r['metric'])
    if r['system']=='tether' and k not in order: order.append(k)
def fmt(v):
    if v is None: return '-'
    return f"{v:.0f}" if abs(v)>=100 else (f"{v:.3g}")
def rng(r): return '-' if not r else f"{fmt(r['value'])} [{fmt(r['min'])}..{fmt(r['max'])}]"
print("| scenario | metric | unit | before: tether | after: tether | before: t/pekko | after: t/pekko | verdict |")
print("|---|---|---|---|---|---|---|---|")
for sc,m in order:
    if m in ('live-threads','outcomes-connect-failed'): pass
    b=B.get((sc,'tether',m)); a=A.get((sc,'tether',m))
    if not a: continue
    def ratio(D):
        t=D.get((sc,'tether',m)); p=D.get((sc,'pekko-raw',m))
        if not t or not p or t['value'] is None or not p['value']: return '-'
        return f"{t['value']/p['value']:.2f}"
    hb = m in higher_better
    if not b or b['value'] is None or a['value'] is None:
        print(f"| {sc} | {m} | {a['unit']} | {rng(b)} | {rng(a)} | {ratio(B)} | {ratio(A)} | {'new' if not b else '-'} |")
        continue
    worse = (a['value']<b['value']) if hb else (a['value']>b['value'])
    if a['value']==b['value']: verdict='same'
    elif not worse: verdict='better'
    else:
        within = (a['value']>=(b['min'] if b['min'] is not None else b['value'])) if hb else (a['value']<=(b['max'] if b['max'] is not None else b['value']))
        verdict='worse, within before spread' if within else '**worse, outside spread**'
    print(f"| {sc} | {m} | {a['unit']} | {rng(b)} | {rng(a)} | {ratio(B)} | {ratio(A)} | {verdict} |")
