"""Reads the search index a build wrote (docs/search.md "Sharded form"): search/index.json names
the shards, each a script `Tebiki.search.shard(kind, n, "<base64 of raw DEFLATE of JSON>");`.
`load_index` puts the complete index back together, as Tests/js/support/site-index.js does."""
import base64
import json
import os
import re
import zlib

SHARD = re.compile(r'^Tebiki\.search\.shard\("(\w)",(\d+),"([A-Za-z0-9+/=]*)"\);\n$')


def read_shard(search_dir, name):
    with open(os.path.join(search_dir, name), encoding="utf-8") as f:
        m = SHARD.match(f.read())
    assert m, f"{name} is not a shard script"
    data = zlib.decompress(base64.b64decode(m.group(3)), -15)
    return m.group(1), int(m.group(2)), json.loads(data)


def unpack(packed):
    out, doc, i = [], 0, 0
    while i < len(packed):
        v = packed[i]
        t = v % 4
        v //= 4
        f = v % 4
        doc += v // 4
        if t == 0:
            i += 1
            t = packed[i]
        out += [doc, f, t]
        i += 1
    return out


def load_index(site):
    """The complete index of a built site (docs, postings as flat triples, and the rest)."""
    folder = os.path.join(site, "search")
    with open(os.path.join(folder, "index.json"), encoding="utf-8") as f:
        entry = json.load(f)
    m = read_shard(folder, "manifest.js")[2]
    docs = []
    for n in range(entry["shards"]["d"]):
        docs += read_shard(folder, f"d-{n}.js")[2]
    postings = {}
    for n in range(entry["shards"]["p"]):
        for token, packed in read_shard(folder, f"p-{n}.js")[2].items():
            postings[token] = unpack(packed)
    index = {k: m[k] for k in ("version", "fields", "weights", "synonyms", "variants", "facets", "grades")}
    index.update(docs=docs, postings=postings)
    return index
