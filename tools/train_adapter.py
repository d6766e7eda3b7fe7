"""Train the query-side adapter of rapport.models.adapter from cached e5 vectors.

    python tools/train_adapter.py [--docs 3000] [--rank 64] [--out rapport/models/query_adapter]
                                  [--enable] [--sweep-dir DIR] [--cached-only] [--budget S]

1. Pairs (deterministic, no network): from ../shared/extra/g0vse, documents that use the
   vocabulary of regional reporting (health care, staff, economy, goals …), split into
   train and held-out **by document**; per document at most one title ↔ opening
   paragraph, two heading ↔ section body and two sentence ↔ next sentences. Plus the
   report-style pairs we wrote in data/adapter/pairs.jsonl (Swedish and English queries
   ↔ Swedish report prose, none taken from a report). Reports 000–004 are never read.
2. Vectors: the stock e5 model through rapport.models.vectors (cached by content hash,
   so a second run embeds nothing); queries with "query: ", passages with "passage: ".
3. Training (torch, seconds): q' = normalise(q + q·D·U), InfoNCE with in-batch
   negatives (MultipleNegativesRankingLoss), U starts at zero so step 0 is the stock
   model; the epoch with the best held-out MRR is kept.
4. Output: weights.npz + manifest.json (hash-checked by rapport.models.adapter), with
   the pair counts, held-out figures and training time in the manifest.

Heavy (embedding): run as `flock /work/coord/heavy.lock nice -n 10 python tools/train_adapter.py`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
G0VSE = ROOT.parent / "shared" / "extra" / "g0vse"
WRITTEN = ROOT / "data" / "adapter" / "pairs.jsonl"

# Vocabulary of regional reporting: a document naming several of these is closer to a
# region report than a treaty or a court summary is. Stems, matched case-insensitively.
DOMAIN = ("region", "landsting", "sjukvård", "vården", "patient", "kommun", "personal", "medarbetare",
          "kostnad", "ekonomi", "budget", "investering", "uppföljning", "tillgänglighet", "kompetens",
          "arbetsmiljö", "sjukfrånvaro", "kollektivtrafik", "klimat", "folkhälsa", "tandvård",
          "psykiatri", "läkemedel", "digital", "statsbidrag", "överenskommelse", "resultat", "risk",
          "målet", "prognos", "underskott", "väntetid", "omsorg", "bemanning")
MAX_PASSAGE = 320  # short passages: embedding cost is per token, and the machine is shared
HELD_OUT = 0.1


@dataclass(frozen=True, slots=True)
class Pair:
    query: str
    passage: str
    doc: str  # g0vse file (folder/name) or the written pair's group
    kind: str  # title | heading | neighbour | written
    q_span: tuple[int, int] = (0, 0)  # offsets in the g0vse file, so the pair can be cited, not copied
    p_span: tuple[int, int] = (0, 0)


def held_out(doc: str) -> bool:
    return int(hashlib.sha1(doc.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < HELD_OUT


def paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", text)]


def lead(text: str, a: int, b: int, limit: int = MAX_PASSAGE, skip: int = 0) -> tuple[int, int] | None:
    """The first sentences of text[a:b] (after `skip` sentences) that fit in `limit` characters."""
    from rapport.corpus.sentences import split_sentences

    spans = [(a + s, a + e) for s, e in split_sentences(text[a:b])][skip:]
    if not spans:
        return None
    end = spans[0][1]
    for s, e in spans[1:3]:
        if e - spans[0][0] > limit:
            break
        end = e
    start = spans[0][0]
    return (start, min(end, start + limit)) if end - start >= 60 else None


def is_heading(text: str, a: int, b: int) -> bool:
    line = text[a:b]
    return "\n" not in line and 3 <= len(line) <= 90 and not line.endswith((".", ":", "!", "?", ";", ","))\
        and not line.startswith("•") and len(line.split()) <= 12


def doc_pairs(name: str, text: str, rng: random.Random) -> list[Pair]:
    """Title, heading and neighbour pairs of one g0vse document (see the module docstring)."""
    from rapport.corpus.sentences import split_sentences

    paras = paragraphs(text)
    out: list[Pair] = []

    def add(q, p, kind):
        if p and q[1] - q[0] >= 3:
            out.append(Pair(text[q[0]:q[1]], text[p[0]:p[1]], name, kind, q, p))

    if len(paras) >= 2 and is_heading(text, *paras[0]):
        add(paras[0], lead(text, *paras[1]), "title")
    heads = [i for i in range(1, len(paras) - 1) if is_heading(text, *paras[i])
             and not is_heading(text, *paras[i + 1]) and paras[i + 1][1] - paras[i + 1][0] >= 80]
    for i in rng.sample(heads, min(2, len(heads))):
        add(paras[i], lead(text, *paras[i + 1]), "heading")
    bodies = [p for p in paras[1:] if p[1] - p[0] >= 150]
    for a, b in rng.sample(bodies, min(2, len(bodies))):
        sents = [(a + s, a + e) for s, e in split_sentences(text[a:b])]
        sents = [s for s in sents if 40 <= s[1] - s[0] <= 250]
        if len(sents) >= 2:
            j = rng.randrange(len(sents) - 1)
            nxt = lead(text, sents[j + 1][0], b)
            add(sents[j], nxt, "neighbour")
    return out


def g0vse_pairs(n_docs: int, seed: int = 0, root: Path = G0VSE) -> list[Pair]:
    files = sorted(p for p in root.glob("*/*.txt"))
    rng = random.Random(seed)
    rng.shuffle(files)
    pat = re.compile("|".join(DOMAIN), re.I)
    pairs, used = [], 0
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        if len(set(m.group().lower() for m in pat.finditer(text[:20000]))) < 4:
            continue
        ps = doc_pairs(f"{f.parent.name}/{f.name}", text, rng)
        if ps:
            pairs += ps
            used += 1
            if used >= n_docs:
                break
    return pairs


def written_pairs(path: Path = WRITTEN) -> list[Pair]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            for q in r["queries"]:
                out.append(Pair(q, r["passage"], f"written/{r['group']}", "written"))
    return out


def cached_pairs(pairs: list[Pair]) -> tuple[list[Pair], np.ndarray, np.ndarray, str]:
    """The pairs whose two vectors are already in the cache (no model load, no embedding)."""
    from rapport.models.build_embedder import default_model_dir, read_stamp
    from rapport.models.vectors import VectorCache, text_key

    stamp = read_stamp(default_model_dir()) or {}
    fingerprint = f"{stamp.get('name')}@{str(stamp.get('weights_sha256'))[:16]}"
    cache = VectorCache(fingerprint, int(stamp.get("dim", 384)))
    qk = [text_key("query", x.query) for x in pairs]
    pk = [text_key("passage", x.passage) for x in pairs]
    got = cache.get_many(qk + pk)
    keep = [i for i in range(len(pairs)) if qk[i] in got and pk[i] in got]
    if not keep:
        raise SystemExit(f"train_adapter: no pair is in the vector cache {cache.path} yet (run without --cached-only)")
    return ([pairs[i] for i in keep], np.stack([got[qk[i]] for i in keep]), np.stack([got[pk[i]] for i in keep]),
            fingerprint)


def embed(pairs: list[Pair], show: bool = True, budget: float | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """Vectors of every pair, or (with `budget` seconds) of the first pairs done in that time."""
    from rapport.models.embedder import load_embedder
    from rapport.models.vectors import VectorCache, encode_cached

    emb = load_embedder()
    cache = VectorCache(emb.fingerprint, emb.dim)
    # pair by pair in chunks, so an interrupted run leaves whole pairs in the cache (the pair
    # list is prefix-stable in --docs; --cached-only then trains on what is there)
    qs, ps, step, t0 = [], [], 250, time.perf_counter()
    for i in range(0, len(pairs), step):
        if budget is not None and time.perf_counter() - t0 > budget:
            print(f"embedding stopped after {budget:.0f} s: {i} of {len(pairs)} pairs", file=sys.stderr)
            break
        part = pairs[i:i + step]
        qs.append(encode_cached([x.query for x in part], "query", lambda t: emb.encode_queries(t, batch_size=64),
                                cache, chunk=step))
        ps.append(encode_cached([x.passage for x in part], "passage",
                                lambda t: emb.encode_passages(t, batch_size=32), cache, chunk=step))
        if show:
            print(f"embedding pairs: {min(i + step, len(pairs))}/{len(pairs)}", file=sys.stderr, flush=True)
    return np.concatenate(qs), np.concatenate(ps), emb.query_fingerprint  # what load_adapter checks


def retrieval(q: np.ndarray, p: np.ndarray) -> dict:
    """Each query against all passages of its set: top-1 accuracy and MRR of its own passage."""
    s = q @ p.T
    rank = (s > np.diag(s)[:, None]).sum(1)
    return {"acc@1": round(float((rank == 0).mean()), 4), "mrr": round(float((1 / (rank + 1)).mean()), 4),
            "n": int(len(q))}


def train(q, p, qh, ph, *, rank=64, tau=0.05, lr=2e-3, epochs=30, batch=256, wd=0.0, seed=0, log=None):
    """(down, up, history): the epoch with the best held-out MRR (epoch 0 = identity)."""
    import torch

    torch.manual_seed(seed)
    dim = q.shape[1]
    down = torch.nn.Parameter(torch.randn(dim, rank) / dim ** 0.5)
    up = torch.nn.Parameter(torch.zeros(rank, dim))
    opt = torch.optim.AdamW([down, up], lr=lr, weight_decay=wd)
    Q, P = torch.from_numpy(q), torch.from_numpy(p)
    Qh, Ph = torch.from_numpy(qh), torch.from_numpy(ph)

    def adapt(x):
        return torch.nn.functional.normalize(x + (x @ down) @ up, dim=1)

    def held():
        with torch.no_grad():
            return retrieval(adapt(Qh).numpy(), ph)

    best = (held()["mrr"], 0, down.detach().clone(), up.detach().clone())
    history = [{"epoch": 0, **held()}]
    gen = torch.Generator().manual_seed(seed)
    for ep in range(1, epochs + 1):
        perm = torch.randperm(len(Q), generator=gen)
        total = 0.0
        for i in range(0, len(Q), batch):
            idx = perm[i:i + batch]
            logits = adapt(Q[idx]) @ P[idx].T / tau
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(idx)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        h = held()
        history.append({"epoch": ep, "loss": round(total / len(Q), 4), **h})
        if log:
            log(history[-1])
        if h["mrr"] > best[0]:
            best = (h["mrr"], ep, down.detach().clone(), up.detach().clone())
    return best[2].numpy(), best[3].numpy(), {"best_epoch": best[1], "history": history}


def split(pairs: list[Pair]):
    tr = [i for i, p in enumerate(pairs) if not held_out(p.doc)]
    te = [i for i, p in enumerate(pairs) if held_out(p.doc)]
    return np.array(tr), np.array(te)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=4000, help="g0vse documents to draw pairs from")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--tau", type=float, default=0.02)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--wd", type=float, default=0.0)
    ap.add_argument("--written-weight", type=int, default=1, help="repeat the written pairs this many times")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "rapport" / "models" / "query_adapter")
    ap.add_argument("--enable", action="store_true", help="ship the adapter switched on")
    ap.add_argument("--pairs-only", action="store_true", help="build and count pairs, embed nothing")
    ap.add_argument("--embed-only", action="store_true", help="fill the vector cache, train nothing")
    ap.add_argument("--budget", type=float, default=None, help="stop embedding after this many seconds")
    ap.add_argument("--max-pairs", type=int, default=None,
                    help="use only the first N pairs (the manifest's `pairs` reproduces a shipped adapter)")
    ap.add_argument("--cached-only", action="store_true", help="train on the pairs already in the vector cache")
    ap.add_argument("--sweep-dir", type=Path, default=None,
                    help="train a small grid (rank × tau × written weight), one adapter folder each in this folder")
    a = ap.parse_args(argv)
    if not G0VSE.is_dir():
        print(f"train_adapter: {G0VSE} not found (the g0vse texts are needed)", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    pairs = g0vse_pairs(a.docs, a.seed)
    written = written_pairs() if WRITTEN.exists() else []
    allp = (written + pairs)[:a.max_pairs]  # written first: embedded first when a run is cut short
    counts = {k: sum(p.kind == k for p in allp) for k in ("title", "heading", "neighbour", "written")}
    print(json.dumps({"pairs": len(allp), "by_kind": counts, "docs": len({p.doc for p in pairs}),
                      "seconds": round(time.perf_counter() - t0, 1)}), file=sys.stderr)
    if a.pairs_only:
        return 0
    t1 = time.perf_counter()
    if a.cached_only:
        allp, q, p, fingerprint = cached_pairs(allp)
    else:
        q, p, fingerprint = embed(allp, budget=a.budget)
        allp = allp[:len(q)]
    counts = {k: sum(x.kind == k for x in allp) for k in counts}
    print(json.dumps({"embedded_pairs": len(allp), "by_kind": counts}), file=sys.stderr)
    t_embed = time.perf_counter() - t1
    if a.embed_only:
        print(json.dumps({"embed_s": round(t_embed, 1)}), file=sys.stderr)
        return 0
    tr, te = split(allp)
    w = np.array([i for i in tr if allp[i].kind == "written"], dtype=int)
    g_te = np.array([i for i in te if allp[i].kind != "written"])
    w_te = np.array([i for i in te if allp[i].kind == "written"], dtype=int)
    grid = [dict(rank=a.rank, tau=a.tau, lr=a.lr, written_weight=a.written_weight)]
    if a.sweep_dir:
        grid = [dict(rank=r, tau=t, lr=a.lr, written_weight=ww)
                for r in (16, 64, 384) for t in (0.02, 0.05) for ww in (1, 5)]
    from rapport.models.adapter import QueryAdapter, save_adapter

    for g in grid:
        g = dict(g)
        ww = g.pop("written_weight")
        tr_rep = np.concatenate([tr] + [w] * max(0, ww - 1))
        t2 = time.perf_counter()
        down, up, info = train(q[tr_rep], p[tr_rep], q[g_te], p[g_te], epochs=a.epochs, batch=a.batch,
                               seed=a.seed, wd=a.wd, **g)
        t_train = time.perf_counter() - t2
        ad = QueryAdapter(down, up)
        res = {**g, "written_weight": ww, "best_epoch": info["best_epoch"], "train_s": round(t_train, 1),
               "held_out_g0vse": {"stock": retrieval(q[g_te], p[g_te]), "adapted": retrieval(ad.apply(q[g_te]), p[g_te])}}
        by_kind = {}
        for k in ("title", "heading", "neighbour"):
            ix = np.array([i for i in g_te if allp[i].kind == k])
            if len(ix):
                by_kind[k] = {"stock": retrieval(q[ix], p[ix])["acc@1"], "adapted": retrieval(ad.apply(q[ix]), p[ix])["acc@1"]}
        res["held_out_by_kind_acc@1"] = by_kind
        if len(w_te):
            res["held_out_written"] = {"stock": retrieval(q[w_te], p[w_te]), "adapted": retrieval(ad.apply(q[w_te]), p[w_te])}
        print(json.dumps(res), flush=True)
        info = {"pairs": len(allp), "by_kind": counts, "train_pairs": int(len(tr)), "held_out_pairs": int(len(te)),
                "docs": a.docs, "seed": a.seed, "epochs": a.epochs, "embed_s": round(t_embed, 1), **res}
        out = a.sweep_dir / f"r{g['rank']}-t{g['tau']:g}-w{ww}" if a.sweep_dir else a.out
        manifest = save_adapter(out, down, up, fingerprint, enabled=a.enable, info=info)
        print(f"wrote {out} (sha256 {manifest['weights_sha256'][:12]}…, enabled={manifest['enabled']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
