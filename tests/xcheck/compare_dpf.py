"""Compare find-paths with the recorded DistinctPathFinder reference.

usage: compare_dpf.py REFERENCE.tsv ION PATHS.jsonl KNOWN.tsv [--write-known]

PATHS.jsonl is find-paths --ion ION -n 0 --symprec 0.1 over the corpus
(fetch-structures records, whose "source" names the file).  For every
reference row of ION the number of distinct hops and the sorted lengths
(1e-3 A) must agree, or the structure must be listed in KNOWN.tsv with its
reason, and the reason must still hold:

  DistinctPathFinder finds the space group at symprec 0.1 A but compares
  hops at 1e-3 in fractional coordinates, so in a slightly distorted cell
  it splits one family of equivalent hops in two.  hopkit compares with the
  space group's own operations at one tolerance and names each family by
  its shortest member.  Such a structure shows no more hops in hopkit
  (families at the cutoff's edge aside), and every length of each list lies
  within 2 x symprec of a length of the other (an operation that moves
  each end by at most symprec changes a length by at most twice that).

Exit 1 on a difference that is not listed, or a listed one that no longer
holds.  --write-known rewrites KNOWN.tsv for ION from the current run.
"""
import json
import sys

SYMPREC = 0.1
CUTOFF = 5.0
ref_path, ion, paths, known_path = sys.argv[1:5]
write = "--write-known" in sys.argv[5:]

known = {}
try:
    for line in open(known_path):
        if line.strip() and not line.startswith("#"):
            f, i, why = line.rstrip("\n").split("\t", 2)
            known[(f, i)] = why
except FileNotFoundError:
    pass

ours = {}
for line in open(paths):
    r = json.loads(line)
    ours.setdefault(r["source"], []).append(r["length"])


def merged_within_symprec(got, want):
    """The reason holds: returns the explanation, or None.

    hopkit groups at least as coarsely (no more hops, up to classes at the
    cutoff's edge), and the two lists describe the same hops: every length
    of each is within 2 x symprec of a length of the other.
    """
    edge = CUTOFF - 2 * SYMPREC
    if len([g for g in got if g < edge]) > len([w for w in want if w < edge + 2 * SYMPREC]):
        return None
    if not got or not want:
        return None
    g_to_w = max([min(abs(g - w) for w in want) for g in got if g < edge] or [0])
    w_to_g = max([min(abs(w - g) for g in got) for w in want if w < edge] or [0])
    worst = max(g_to_w, w_to_g)
    if worst > 2 * SYMPREC:
        return None
    return (f"reference splits hop families (hops compared at 1e-3 in fractional coordinates): "
            f"hopkit {len(got)}, reference {len(want)}; every length of each lies within {worst:.4f} A "
            f"of one of the other, as hops that the space group at symprec {SYMPREC} A maps together must")


n = same = 0
bad, rows = [], []
for line in list(open(ref_path))[1:]:
    f, i, count, lengths = line.rstrip("\n").split("\t")
    if i != ion:
        continue
    n += 1
    want = [float(x) for x in lengths.split(",")] if lengths else []
    got = sorted(ours.get(f, []))
    if len(got) == len(want) and all(abs(a - b) <= 1e-3 for a, b in zip(got, want)):
        same += 1
        if (f, i) in known and not write:
            bad.append(f"{f} {i}: listed as different but now agrees")
        continue
    why = merged_within_symprec(got, want)
    rows.append((f, i, why or "UNEXPLAINED"))
    if why is None:
        bad.append(f"{f} {i}: hopkit {len(got)} hops {['%.4f' % x for x in got][:10]}, "
                   f"reference {len(want)} {['%.4f' % x for x in want][:10]}")
    elif (f, i) not in known and not write:
        bad.append(f"{f} {i}: differs (reason holds) but is not listed in {known_path}")
    else:
        print(f"known: {f} {i}: hopkit {len(got)}, reference {len(want)}: {why}")

if write:
    keep = [l for l in (open(known_path).read().splitlines() if known else [])
            if l.startswith("#") or (l.strip() and l.split("\t")[1] != ion)]
    if not any(l.startswith("#") for l in keep):
        keep.insert(0, "# file\tion\treason (written by compare_dpf.py --write-known, checked on every run)")
    keep += [f"{f}\t{i}\t{why}" for f, i, why in rows]
    open(known_path, "w").write("\n".join(keep) + "\n")
for b in bad:
    print("DIFFERENT: " + b)
print(f"{ion}: {n} structures, {same} agree, {n - same} differ as listed, {len(bad)} unexplained")
sys.exit(1 if bad or n == 0 else 0)
