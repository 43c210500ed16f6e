"""What several test modules share: the paths of the real documents, their ids, and
the invariants every parsed document keeps. Declared once, imported by name."""

from __future__ import annotations

from pathlib import Path

from carbon_cli.model import Document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "seeds" / "000_2c374d999f13170b.txt"
OPINIONS = FIXTURES / "cpc_sc_dual_carbon_opinions_2021.txt"
STORAGE = FIXTURES / "ndrc_nea_new_energy_storage_guidance_2021.txt"
OPINIONS_ID = "cpc-sc-dual-carbon-opinions-2021"
STORAGE_ID = "ndrc-nea-new-energy-storage-guidance-2021"


def check_invariants(text: str, docs: list[Document]) -> None:
    """Offsets exact, reading order, no overlaps, unique ids, parents are headings."""
    seen_docs = set()
    for d in docs:
        assert d.id not in seen_docs
        seen_docs.add(d.id)
        assert 0 <= d.start <= d.end <= len(text)
        ids = set()
        by_id = {}
        prev_end = -1
        for p in d.passages:
            assert text[p.start:p.end] == p.text
            assert p.text and p.text == p.text.strip()
            assert d.start <= p.start < p.end <= d.end
            assert p.start >= prev_end, f"{p.id} overlaps or is out of order"
            prev_end = p.end
            assert p.id not in ids, f"duplicate id {p.id}"
            assert p.id.startswith(d.id + "/")
            assert p.doc == d.id
            ids.add(p.id)
            by_id[p.id] = p
            if p.parent is not None:
                assert p.parent in by_id, f"{p.id}: parent {p.parent} not an earlier passage"
                par = by_id[p.parent]
                assert par.kind in {"heading", "question", "action", "principle", "guarantee"}
                assert p.section[-1] == (par.title or par.text[:60])
                assert p.section[:-1] == par.section
            else:
                assert p.section == ()


def record_file(home: Path, doc_id: str) -> Path:
    """Where the library stores the record of ``doc_id`` (named by the manifest's hash)."""
    from carbon_cli.store import Home

    store = Home(home)
    return store.record_path(doc_id, store.manifest()[doc_id]["sha256"])


def only_waited(stderr: str) -> bool:
    """Nothing on stderr but, at most, the line of a writer that waited for another."""
    return all(line.startswith("carbon: warning: waiting for ") for line in stderr.splitlines())

# The ten actions of the seed's Q&A, in order, as the document titles them.
SEED_ACTIONS = [
    "能源绿色低碳转型科技支撑行动",
    "低碳与零碳工业流程再造技术突破行动",
    "建筑交通低碳零碳技术攻关行动",
    "负碳及非二氧化碳温室气体减排技术能力提升行动",
    "前沿颠覆性低碳技术创新行动",
    "低碳零碳技术示范行动",
    "碳达峰碳中和管理决策支撑行动",
    "碳达峰碳中和创新项目、基地、人才协同增效行动",
    "绿色低碳科技企业培育与服务行动",
    "碳达峰碳中和科技创新国际合作行动",
]
