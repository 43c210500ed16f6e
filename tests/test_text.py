"""The text pipeline: normalisation with offsets, and the two tokenizers giving the same words."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbon_cli.text import Pipeline, _import_jieba
from helpers import OPINIONS, SEED, STORAGE


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("cache"))


def _queries() -> list[str]:
    """Many realistic queries: fragments of the real documents of every length."""
    texts = [p.read_text(encoding="utf-8") for p in (SEED, OPINIONS, STORAGE)]
    rng = random.Random(20221)
    queries = ["CCUS", "ＣＣＵＳ 碳汇", "知識產權保護", "1+N政策体系", "低碳科技企业怎么培育?", "carbon capture", "新型储能装机规模"]
    for _ in range(400):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        queries.append(text[start : start + rng.choice([2, 3, 4, 6, 10, 25, 80])])
    return queries


def test_lexicon_tokenizer_cuts_exactly_like_jieba_with_its_dictionary(pipeline):
    """The warm path never loads jieba's dictionary; its words must still be jieba's."""
    for query in _queries():
        normalised = pipeline.normaliser.normalise(query)
        assert pipeline.segment(normalised) == pipeline.segment(normalised, bulk=True), query
        assert pipeline.segment(normalised, precise=True) == pipeline.segment(normalised, bulk=True, precise=True)


# Characters of the documents and of what people type: CJK (common and rare, so that
# jieba's HMM runs), ASCII letters, digits and the symbols jieba keeps inside a block,
# full-width forms, punctuation and every kind of whitespace.
_ALPHABET = st.sampled_from(
    list("碳达峰中和技术能力提升行动新型储能绿色汇蓝的是了在王小明说我们鄂尔多斯氢氨醇甲烷")
    + list("CCUSccusabxyzAZ0123456789+#&._%-@/:")
    + list("ＣＵＳ１２，。、；：“”（）《》—…·　 \t\r\n")
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_segmenter_is_jiebas_cut(text):
    """The query path's segmenter and jieba's Tokenizer over the same lexicon agree on
    any text, in both modes: same algorithm, not just same results on the documents."""
    pipeline = _shared_pipeline()
    tokenizer = pipeline.lexicon_tokenizer
    assert list(pipeline.segmenter.cut(text)) == list(tokenizer.cut(text))
    assert list(pipeline.segmenter.cut_for_search(text)) == list(tokenizer.cut_for_search(text))


def test_segmenter_uses_the_hmm_for_unknown_words(pipeline):
    """A run of characters that no dictionary word covers goes through jieba's HMM,
    as it does in jieba: a name and a new compound come out whole."""
    for text, word in (("龚建伟说碳汇", "龚建伟"), ("鄂尔多斯氢氨醇一体化", "氢氨醇")):
        words = list(pipeline.segmenter.cut(text))
        assert words == pipeline.full_tokenizer.lcut(text)
        assert word in words and not pipeline.full_tokenizer.FREQ.get(word)  # not a dictionary word


def test_whole_documents_cut_the_same_both_ways(pipeline):
    for path in (SEED, OPINIONS, STORAGE):
        normalised = pipeline.normaliser.normalise(path.read_text(encoding="utf-8"))
        assert pipeline.segment(normalised) == pipeline.segment(normalised, bulk=True)


def test_lexicon_answers_like_jiebas_prefix_dictionary(pipeline):
    lexicon = pipeline.lexicon_tokenizer.FREQ
    full = pipeline.full_tokenizer.FREQ
    rng = random.Random(7)
    words = rng.sample(sorted(full), 3000) + ["碳达峰", "ccus", "蓝色碳", "不存在的词语", "ｘ"]
    for word in words:
        assert lexicon.get(word) == full.get(word), word
        assert (word in lexicon) == (word in full), word
    assert lexicon.total == pipeline.full_tokenizer.total


def test_lexicon_searches_its_file_and_its_list_alike(pipeline, monkeypatch):
    """A lexicon searches its file until a text has asked enough, then a list of its
    lines: both give the same answer for words, prefixes, near misses and odd keys."""
    import carbon_cli.lexicon as lexicon_module

    path = pipeline._lexicon_path
    assert pipeline.lexicon.total > 0  # the file is written on first use
    rng = random.Random(11)
    words = rng.sample(sorted(pipeline.full_tokenizer.FREQ), 2000)
    keys = words + [w[:-1] for w in words] + [w + "碳" for w in words] + [w + "\t1" for w in words[:50]]
    keys += ["", "\t", "\n", "a\x01", "\U0010ffff", "!", "ccus", "碳达峰碳中和"]
    monkeypatch.setattr(lexicon_module, "LIST_AFTER", len(keys) + 1)
    by_file = lexicon_module.Lexicon(path)
    answers = [by_file.get(k) for k in keys]
    assert by_file._lines is None
    monkeypatch.setattr(lexicon_module, "LIST_AFTER", 0)
    by_list = lexicon_module.Lexicon(path)
    assert [by_list.get(k) for k in keys] == answers
    assert by_list._lines is not None
    assert {answer is None for answer in answers} == {True, False} and 0 in answers  # words, prefixes, neither


def test_user_dictionary_words_stay_whole(pipeline):
    words = pipeline.terms("聚焦提升CCUS、绿色碳汇、蓝色碳汇等负碳技术能力,对甲烷、氧化亚氮等非二氧化碳温室气体")
    for word in ("ccus", "绿色碳汇", "蓝色碳汇", "负碳", "甲烷", "氧化亚氮", "非二氧化碳", "温室气体"):
        assert word in words


def test_normalisation_folds_width_case_and_script(pipeline):
    normaliser = pipeline.normaliser
    assert normaliser.normalise("ＣＣＵＳ") == "ccus"
    assert normaliser.normalise("知識產權") == "知识产权"
    assert normaliser.normalise("２０３０年") == "2030年"


def test_a_line_break_inside_chinese_text_is_no_word_boundary(pipeline):
    """A PDF's text layer wraps lines inside words (煤炭消\n费): matching reads through the
    break, the offsets still point at the original characters; between Latin words the
    break stays a separator."""
    text = "严格控制煤炭消\n  费。energy\nstorage"
    normalised, offsets = pipeline.normaliser.normalise_with_offsets(text)
    assert normalised.startswith("严格控制煤炭消费。")
    assert "消费" in pipeline.segment(normalised)
    assert offsets is not None and text[offsets[normalised.index("费")]] == "费"
    assert "energy\nstorage" in normalised


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_offsets_map_every_normalised_character_back(text):
    pipeline = _shared_pipeline()
    normalised, offsets = pipeline.normaliser.normalise_with_offsets(text)
    if offsets is None:
        assert len(normalised) == len(text)
    else:
        assert len(offsets) == len(normalised)
        assert offsets == sorted(offsets) and all(0 <= o < len(text) for o in offsets)


_PIPELINE: list[Pipeline] = []


def _shared_pipeline() -> Pipeline:
    if not _PIPELINE:
        import tempfile

        _PIPELINE.append(Pipeline(Path(tempfile.mkdtemp())))
    return _PIPELINE[0]


def test_jieba_is_silent(capfd, tmp_path):
    Pipeline(tmp_path).full_tokenizer.lcut("碳达峰碳中和")
    _import_jieba()
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_jieba_writes_no_marshal_cache(tmp_path):
    """jieba's own cache is a marshal file: the cache folder holds plain text only."""
    assert Pipeline(tmp_path).full_tokenizer.lcut("碳汇") == ["碳汇"]
    assert not list(tmp_path.rglob("*.cache"))
