"""Generate a realistic synthetic corpus of saved-article Markdown files.

    python benchmarks/generate.py --files 2000 --seed 1 --out /tmp/omnibench/corpus

Shapes follow ../shared/REFERENCE.md and the corpus sample: Omnivore files of every
plugin era (unquoted titles, `"{{{title}}}"`, `title: |` block scalars, id-only,
the seed's custom template that repeats dates in the body), Readwise highlight
files, Obsidian Web Clipper clippings, Raindrop exports and MarkDownload pages;
English and Chinese (CJK) text; folders per vault, per day, `.trash/`.

Sizes follow the real corpus: log-normal with median 3.4 kB, 90th percentile
21 kB, 99th 84 kB, plus a few 0.4-0.7 MB files (one per ~700).

Defects appear at the rates REFERENCE.md §2 measured: omnivore.app links in every
Omnivore file, image-proxy URLs in a third of those with content, the
`{{content}}` vault whose URLs and fences are HTML-escaped, repeated paragraphs,
duplicate files (shared id / URL / body, ` 1.md`, `-<uuid>.md`, `-2.md`), broken
and messy front matter, empty links, embeds with a wrong folder, missing final
newlines, trailing spaces, zero-width characters and `&nbsp;`.  The false-positive
traps (`#Omnivore` tags, code that lost its fences and repeats, `['bitset'][index]`,
escaped `!\\[\\]()`, Logseq date links) are in as well.

`--real` makes the files as dense in findings as real vaults are (the generated default
gives ~9 findings per file, the 2,139 real files of issue 19 ~22): more trailing spaces,
zero-width characters sprinkled through CJK pages (copied from web pages that use them as
line-break hints), runs of blank lines, HTML-escaped URLs outside the `{{content}}` vault,
links to local notes and anchors (some missing), and reference pages (a cheat sheet or
manual saved whole: thousands of in-page links to hundreds of headings, one per ~700
files).  Without `--real` the output is byte-identical to what it was before the flag.

The same --files, --seed and --real always give byte-identical files.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import sys
import uuid
from pathlib import Path

# -- vocabulary -----------------------------------------------------------------

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "you",
    "were",
    "her",
    "she",
    "there",
    "been",
    "one",
    "all",
    "we",
    "their",
    "has",
    "would",
    "when",
    "if",
    "so",
    "no",
    "what",
    "can",
    "more",
    "about",
    "out",
    "up",
    "into",
    "them",
    "time",
    "some",
    "could",
    "these",
    "other",
    "than",
    "then",
    "now",
    "only",
    "its",
    "over",
    "also",
    "new",
    "after",
    "first",
    "well",
    "way",
    "even",
    "because",
    "any",
    "people",
    "work",
    "system",
    "data",
    "model",
    "memory",
    "process",
    "network",
    "server",
    "client",
    "request",
    "response",
    "browser",
    "cache",
    "file",
    "language",
    "design",
    "problem",
    "question",
    "answer",
    "research",
    "paper",
    "study",
    "result",
    "method",
    "approach",
    "value",
    "function",
    "type",
    "reader",
    "writer",
    "article",
    "page",
    "note",
    "vault",
    "link",
    "image",
    "export",
    "template",
    "plugin",
    "highlight",
    "library",
    "archive",
    "summary",
    "history",
    "economy",
    "policy",
    "market",
    "company",
    "product",
    "team",
    "project",
    "government",
    "city",
    "country",
    "government",
    "energy",
    "health",
    "science",
    "school",
    "student",
    "teacher",
    "garden",
    "recipe",
    "coffee",
    "music",
    "travel",
    "story",
    "family",
    "friend",
    "evening",
    "morning",
    "quickly",
    "slowly",
    "carefully",
    "simply",
    "really",
    "probably",
    "usually",
    "often",
    "never",
    "always",
    "almost",
    "already",
    "together",
]

CJK_PHRASES = [
    "我们",
    "他们",
    "这个",
    "那个",
    "因为",
    "所以",
    "但是",
    "如果",
    "已经",
    "可以",
    "没有",
    "一个",
    "什么",
    "时候",
    "问题",
    "方法",
    "系统",
    "数据",
    "模型",
    "内存",
    "网络",
    "服务器",
    "浏览器",
    "文件",
    "语言",
    "设计",
    "研究",
    "论文",
    "结果",
    "函数",
    "类型",
    "读者",
    "文章",
    "页面",
    "笔记",
    "链接",
    "图片",
    "导出",
    "模板",
    "插件",
    "经济",
    "政策",
    "市场",
    "公司",
    "产品",
    "团队",
    "项目",
    "政府",
    "城市",
    "国家",
    "能源",
    "健康",
    "科学",
    "学校",
    "学生",
    "老师",
    "花园",
    "咖啡",
    "音乐",
    "旅行",
    "故事",
    "家庭",
    "朋友",
    "晚上",
    "早上",
    "非常",
    "其实",
    "可能",
    "通常",
    "经常",
    "从来",
    "总是",
    "几乎",
    "一起",
    "知乎",
    "少数派",
    "学习",
    "数学",
    "积累",
    "智商",
    "理论",
    "六度分隔",
    "双链",
    "笔记软件",
    "读书",
    "整理",
    "房间",
    "小朋友",
    "基础代谢",
    "肌肉",
    "指令系统",
    "寻址方式",
    "隐函数",
    "求导",
    "洛必达法则",
]

DOMAINS = [
    "example.com",
    "blog.example.org",
    "www.nytimes.com",
    "medium.com",
    "substack.com",
    "github.com",
    "news.ycombinator.com",
    "www.theverge.com",
    "arstechnica.com",
    "zhuanlan.zhihu.com",
    "www.zhihu.com",
    "sspai.com",
    "cn.wsj.com",
    "blog.51cto.com",
    "dev.to",
    "www.wired.com",
    "lwn.net",
    "simonwillison.net",
    "jvns.ca",
    "danluu.com",
]

CODE_LINES = [
    "def main(argv):",
    "    return parse(argv[1:])",
    "for (let i = 0; i < list.length; i++) {",
    "  if (list1Pointer.val >= list2Pointer.val){",
    "    result.push(list1Pointer.val)",
    "  }",
    "}",
    "const value = cache['bitset'][index];",
    "SELECT id, title FROM articles WHERE saved_at > NOW() - INTERVAL '7 days';",
    "$ curl -s https://api.example.com/v1/items | jq '.[] | .id'",
    'fn main() { println!("hello"); }',
    'pattern = re.compile(r"[^A-Za-z0-9-]+")',
    "mov ax, [0x0008][0x0050]",
    "x = 1   ",
]

LOCALISED_DATES = [
    "星期五, 九月 20日 2024, 5:59:49 下午",
    "星期六, 八月 24日 2024, 5:11:26 下午",
    "vendredi, 4 octobre 2024",
]


class Writer:
    """Builds one corpus deterministically from a seed."""

    def __init__(self, seed: int, real: bool = False) -> None:
        self.real = real
        self.rng = random.Random(seed)
        self.sentences = [self._sentence(False) for _ in range(4000)]
        self.cjk_sentences = [self._sentence(True) for _ in range(3000)]

    # -- small pieces ------------------------------------------------------------
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def uuid1(self) -> str:
        # Omnivore ids are UUID v1 (their timestamp is the save time).
        return str(uuid.UUID(fields=(self.rng.getrandbits(32), self.rng.getrandbits(16), 0x1000 | self.rng.getrandbits(12),
                                     0x80 | self.rng.getrandbits(6), self.rng.getrandbits(8), self.rng.getrandbits(48))))  # fmt: skip

    def url(self) -> str:
        r = self.rng
        path = "/".join(r.choice(WORDS) for _ in range(r.randint(1, 4)))
        return f"https://{r.choice(DOMAINS)}/{path}-{r.randint(1, 99999)}"

    def date(self) -> str:
        r = self.rng
        return f"20{r.randint(21, 25)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"

    def _sentence(self, cjk: bool) -> str:
        r = self.rng
        if cjk:
            words = "".join(r.choice(CJK_PHRASES) for _ in range(r.randint(6, 22)))
            return words + r.choice("。。。，！？")
        words = [r.choice(WORDS) for _ in range(r.randint(6, 24))]
        words[0] = words[0].capitalize()
        return " ".join(words) + r.choice("....?!")

    def title(self, cjk: bool) -> str:
        r = self.rng
        if cjk:
            base = "".join(r.choice(CJK_PHRASES) for _ in range(r.randint(3, 8)))
            return base + r.choice(["", " - 知乎", " - 少数派", "？ - 知乎", "_哔哩哔哩_bilibili"])
        words = [r.choice(WORDS).capitalize() for _ in range(r.randint(2, 9))]
        title = " ".join(words)
        return title + r.choice(["", "", ": A Field Guide", " - Medium", " | Blog", " – Notes", "? Yes"])

    def inline(self, sentence: str) -> str:
        """Sprinkle inline markup over a sentence."""
        r = self.rng
        roll = r.random()
        if roll < 0.06:
            return f"{sentence} [{r.choice(WORDS)}]({self.url()})"
        if roll < 0.09:
            return f"{sentence} `{r.choice(WORDS)}_{r.choice(WORDS)}()`"
        if roll < 0.12:
            return f"**{sentence}**"
        if roll < 0.14:
            return f"{sentence}[^{r.randint(1, 9)}]"
        if roll < 0.16:
            return f"_{sentence}_"
        return sentence

    def paragraph(self, cjk: bool) -> str:
        pool = self.cjk_sentences if cjk else self.sentences
        n = self.rng.randint(1, 6)
        glue = "" if cjk else " "
        return glue.join(self.inline(self.rng.choice(pool)) for _ in range(n))

    # -- blocks ------------------------------------------------------------------
    def block(self, cjk: bool, f: dict) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.62:
            text = self.paragraph(cjk)
            if self.real:
                return self.real_defects(text, cjk, f)
            if f["zero_width"] and r.random() < 0.1:
                text = text.replace(" ", "\u200b ", 1) if not cjk else text[:5] + "\u200b" + text[5:]
            if f["nbsp"] and r.random() < 0.15:
                text = text.replace(" ", "&nbsp;", 1)
            if f["trailing"] and r.random() < 0.3:
                text += r.choice(["  ", " ", "   ", "\t"])
            return text
        if roll < 0.70:
            return "#" * r.randint(2, 4) + " " + self.title(cjk)
        if roll < 0.76:
            return "\n".join(
                f"{r.choice(['-', '*', '1.'])} {self.paragraph(cjk)[:120]}" for _ in range(r.randint(2, 7))
            )
        if roll < 0.81:
            return self.image(f)
        if roll < 0.85:
            lang = r.choice(["python", "js", "", "bash", "c"])
            lines = r.sample(CODE_LINES, r.randint(2, 6))
            if f["escaped"]:
                return (
                    "&#x60;&#x60;&#x60;"
                    + lang
                    + "\n"
                    + "\n".join(escape_html(x) for x in lines)
                    + "\n&#x60;&#x60;&#x60;"
                )
            return f"```{lang}\n" + "\n".join(lines) + "\n```"
        if roll < 0.88:
            return "> " + self.paragraph(cjk)
        if roll < 0.90:
            cells = [r.choice(WORDS) for _ in range(3)]
            rows = ["| " + " | ".join(cells) + " |", "|---|---|---|"]
            rows += ["| " + " | ".join(r.choice(WORDS) for _ in range(3)) + " |" for _ in range(r.randint(2, 8))]
            return "\n".join(rows)
        if roll < 0.92 and f["lost_fences"]:
            # Code whose fences were lost in export: repeats legitimately.
            return "\n".join(r.sample(CODE_LINES[2:7], 3))
        if roll < 0.94 and f["empty_links"]:
            return (
                r.choice(["[](", "[x](", "![]("])
                + (self.url() if r.random() < 0.5 else "")
                + ") "
                + self.paragraph(cjk)
            )
        if roll < 0.95:
            return "Escaped text like !\\[\\]() and [[Jan 31st, 2023]] and #hashtag inside prose."
        return self.paragraph(cjk)

    def real_defects(self, text: str, cjk: bool, f: dict) -> str:
        """A paragraph with the defects of real saved pages, at their rates (--real)."""
        r = self.rng
        if f["zero_width"] and r.random() < (0.5 if cjk else 0.15):
            # Web pages put U+200B (and U+FEFF, U+200C) between CJK phrases as break hints.
            cuts = sorted(r.sample(range(1, len(text)), min(len(text) - 1, r.randint(1, 3)))) if len(text) > 1 else []
            pieces, last = [], 0
            for cut in cuts:
                pieces += [text[last:cut], r.choice(["\u200b", "\u200b", "\ufeff", "\u200c"])]
                last = cut
            text = "".join(pieces) + text[last:]
        if f["nbsp"] and r.random() < 0.3:
            text = text.replace(" ", "&nbsp;", 1)
        if f["escaped_urls"] and r.random() < 0.5:
            text += f" [{r.choice(WORDS)}]({self.url().replace('/', '&#x2F;')})"
        if f["local_links"] and r.random() < 0.3:
            text += " " + self.local_link()
        if f["trailing"] and r.random() < 0.5:
            text += r.choice(["  ", " ", "   ", "\t", " \u3000"])
        if f["blank_runs"] and r.random() < 0.3:
            text += "\n\n"  # three blank lines before the next block
        return text

    def local_link(self) -> str:
        """A link to another note, an attachment or an anchor; some of them lead nowhere."""
        r = self.rng
        roll = r.random()
        if roll < 0.3:
            return f"[see]({r.choice(['../attachments/', 'assets/', ''])}{r.choice(WORDS)}-{r.randint(1, 40)}.png)"
        if roll < 0.6:
            return f"[[{r.choice(WORDS).capitalize()} {r.choice(WORDS)}]]"
        if roll < 0.8:
            return f"[section](#{r.choice(WORDS)}-{r.choice(WORDS)})"
        return f"[notes]({r.choice(WORDS)}.md#{r.choice(WORDS)})"

    def image(self, f: dict) -> str:
        r = self.rng
        original = self.url() + r.choice([".png", ".jpg", ".webp"])
        alt = r.choice(["", "figure", "Screenshot of the app", "image"])
        if f["proxy"]:
            w, h = r.randint(0, 1600), r.randint(0, 1200)
            sig = "".join(
                r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") for _ in range(43)
            )
            url = f"https://proxy-prod.omnivore-image-cache.app/{w}x{h},s{sig}/{original}"
        else:
            url = original
        if f["escaped"]:
            url = url.replace("/", "&#x2F;")
        if f["bad_embeds"]:
            return f"![[{f['vault_folder']}/{r.choice(WORDS)}/attachments/{r.getrandbits(64):016x}_MD5.jpg]]"
        return f"![{alt}]({url})"

    def body(self, target: int, cjk: bool, f: dict) -> str:
        parts: list[str] = []
        size = 0
        while size < target:
            block = self.block(cjk, f)
            parts.append(block)
            size += len(block.encode("utf-8")) + 2
        if f["repeated"] and len(parts) > 3:
            i = self.rng.randrange(len(parts) - 1)
            parts.insert(self.rng.randrange(i + 1, len(parts) + 1), parts[i])  # a lede or highlight synced twice
        return "\n\n".join(parts)

    def highlights(self, cjk: bool, slug: str, n: int, readwise: bool) -> str:
        r = self.rng
        lines = ["## Highlights", ""]
        for _ in range(n):
            text = self.paragraph(cjk)[:300]
            if readwise:
                lines += [
                    f"> {text}",
                    f"> [View Highlight](https://read.readwise.io/read/{r.getrandbits(100):025x})",
                    "",
                ]
            else:
                hid = self.uuid()
                label = r.choice(["", "", " #important", " #todo"])
                lines += [f"> {text} [⤴️](https://omnivore.app/me/{slug}#{hid}){label} ^{hid[:8]}", ""]
        return "\n".join(lines)


def escape_html(s: str) -> str:
    return (
        s.replace("&", "&amp;")
        .replace("/", "&#x2F;")
        .replace("=", "&#x3D;")
        .replace("'", "&#39;")
        .replace('"', "&quot;")
    )


# -- templates ------------------------------------------------------------------------


def front(lines: list[str]) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n"


def omnivore(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    r = w.rng
    ident = f.get("id") or w.uuid1()
    slug = "-".join(title.lower().split()[:4])[:40] + f"-{r.getrandbits(44):011x}"
    era = f["era"]
    saved = w.date()
    if era == "1.2.2":
        fm = [f"id: {ident}", f"title: {title}", f"url: {url}", f"date_saved: {saved}"]  # `: ` in a title breaks YAML
    elif era == "1.2.3":
        fm = [f"id: {ident}", f'title: "{title}"', f'url: "{url}"', f"date_saved: {saved}"]
    elif era == "1.3.0":
        fm = [f"id: {ident}", "title: |", f"  {title}", "author: |", f"  {w.title(cjk)[:30]}", "tags:", "  - RSS",
              f"date_saved: {saved}", f"date_published: {saved}"]  # fmt: skip
    elif era == "1.4.0":
        fm = [f"id: {ident}"]
    else:  # 1.3.1+: valid YAML written by the plugin
        fm = [f"id: {ident}", f"title: {title!r}" if ": " in title else f"title: {title}", "tags:", "  - RSS",
              f"date_published: {saved}"]  # fmt: skip
    if f["fm_messy"]:
        fm.insert(1, "")
        fm.append(r.choice(["author:", f"created: {r.choice(LOCALISED_DATES)}", "description: "]))
    if f["fm_broken"]:
        fm.append(f'summary: "{title}" said the "author": yes')
    text = front(fm) if era != "none" else ""
    tag = "#Omnivore" if r.random() < 0.85 else "[[Omnivore]]"
    link = f"[Read on Omnivore](https://omnivore.app/me/{slug})"
    if r.random() < 0.05:
        link = f"[Read on Omnivore](https://omnivore.app/no_url?q={w.uuid()})"
    text += f"\n# {title}\n{tag}\n\n{link}\n[Read Original]({url})\n\n"
    if f["seed_template"]:
        text += f"date_saved: {saved}\n\ndate_published: {saved}\n\n--- \n\n# Full Content: \n\n"
    if r.random() < 0.3:
        text += w.highlights(cjk, slug, r.randint(1, 6), False) + "\n\n"
    if r.random() < 0.03:
        text += f"[Download PDF](https://omnivore.app/attachments/{w.uuid()}.pdf)\n\n"
    return text + w.body(size - len(text.encode()), cjk, f)


def reference_page(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    """A manual or cheat sheet saved whole (--real): hundreds of headings, a table of contents
    and thousands of in-page links to them, a few to headings that are not there."""
    r = w.rng
    headings = [f"{w.title(cjk)[:40]} {n}" for n in range(r.randint(250, 300))]
    slugs = ["-".join(h.lower().split()) for h in headings]
    fm = front([f'title: "{title}"', f'source: "{url}"', f"created: {w.date()[:10]}", 'tags: ["clippings"]'])
    parts = [fm + f"# {title}", "## Contents", "\n".join(f"- [{h}](#{s})" for h, s in zip(headings, slugs))]
    links = r.randint(2300, 2700) - len(headings)
    per_section = max(1, links // len(headings))
    for heading in headings:
        parts.append(f"## {heading}")
        refs = []
        for _ in range(per_section):
            target = r.choice(slugs) if r.random() < 0.97 else f"{r.choice(WORDS)}-{r.randint(1, 9)}"
            refs.append(f"[{r.choice(WORDS)}](#{target})")
        parts.append(w.paragraph(cjk) + " See " + ", ".join(refs) + ".")
    return "\n\n".join(parts)


def readwise(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    r = w.rng
    fm = front([f"author: {w.title(cjk)[:24]}", "aliases:", f"  - {title}", "tags:", "  - readwise/articles",
                f"url: {url}", f"created: {w.date()[:10]}"])  # fmt: skip
    text = fm + f"# {title}\n\n"
    if r.random() < 0.4:
        text += f"[](https://read.readwise.io/read/{r.getrandbits(100):025x})\n\n"  # the empty-text backlink
    text += w.highlights(cjk, "", r.randint(2, 12), True) + "\n\n"
    return text + w.body(size - len(text.encode()), cjk, f)


def clipper(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    r = w.rng
    created = r.choice(LOCALISED_DATES) if f["fm_messy"] else w.date()[:10]
    fm = front([f'title: "{title}"', f'source: "{url}"', "author:", f"published: {w.date()[:10]}",
                f"created: {created}", "description:", 'tags: ["clippings"]'])  # fmt: skip
    text = fm + f"# {title}\n\n"
    if r.random() < 0.3:
        text += "![]()\n\n"
    if r.random() < 0.4:
        text += "> [!summary]\n> " + w.paragraph(cjk) + "\n\n"
    return text + w.body(size - len(text.encode()), cjk, f)


def raindrop(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    r = w.rng
    fm = front([f"raindrop_id: {r.randint(10**8, 10**10)}", f'title: "{title}"', "", "description: |-", "  null", "",
                f"source: {url}", "", f"created: {w.date()[:10]}", "tags:", '  - "_index"', "", " ", '  - "HackerNews"'])  # fmt: skip
    text = fm + f"# {title}\n\n" + "> [!summary]\n> null\n\n\n\n\n"
    return text + w.body(size - len(text.encode()), cjk, f)


def markdownload(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    lede = w.paragraph(cjk)
    fm = front([f'title: "{title}"', f"source: {url}", f"created: {w.date()}"])
    text = fm + f"# {title}\n\n> ## Excerpt\n> {lede}\n\n---\n\n{lede}\n\n"  # the excerpt repeats the lede
    return text + w.body(size - len(text.encode()), cjk, f)


def logseq(w: Writer, title: str, url: str, cjk: bool, f: dict, size: int) -> str:
    text = f"tags::  #Readed\nsource:: {url}\n\n# {title}\n\n"
    return text + w.body(size - len(text.encode()), cjk, f)


TEMPLATES = [
    (omnivore, 0.58),
    (readwise, 0.10),
    (clipper, 0.15),
    (raindrop, 0.06),
    (markdownload, 0.05),
    (logseq, 0.06),
]
OMNIVORE_ERAS = [("1.2.2", 0.12), ("1.2.3", 0.08), ("1.3.0", 0.25), ("1.3.1", 0.35), ("1.4.0", 0.15), ("none", 0.05)]
VAULTS = ["alice__Readings", "bob__Obsidian", "chen__Read_It_Later", "dana__notes", "eve__ctf-notes", "fu__Py_notes"]


def weighted(rng: random.Random, table):
    return rng.choices([x for x, _ in table], [w for _, w in table])[0]


def file_size(rng: random.Random) -> int:
    # log-normal; with the templates' headers the files come out at median 3.4 kB, p90 21 kB, p99 ~85 kB
    return int(min(300_000, max(300, math.exp(rng.gauss(math.log(3100), 1.42)))))


def safe_name(title: str) -> str:
    for ch in '/\\:*?"<>|':
        title = title.replace(ch, "-")
    return title.strip()[:120] or "untitled"


def defects(rng: random.Random, vault: int, template, real: bool = False) -> dict:
    escaped_vault = vault == 3  # one vault used {{content}}: escaped URLs and fences everywhere
    found = _defects(rng, vault, template, escaped_vault)
    if real:  # drawn after the others: without --real the random sequence is what it always was
        found.update(
            trailing=rng.random() < 0.6,
            zero_width=rng.random() < 0.35,
            escaped_urls=rng.random() < 0.45,
            local_links=rng.random() < 0.5,
            blank_runs=rng.random() < 0.4,
        )
    return found


def _defects(rng: random.Random, vault: int, template, escaped_vault: bool) -> dict:
    return {
        "era": weighted(rng, OMNIVORE_ERAS),
        "proxy": template is omnivore and rng.random() < 0.35,
        "escaped": escaped_vault and template is omnivore and rng.random() < 0.88,
        "repeated": rng.random() < 0.06,
        "fm_messy": rng.random() < 0.09,
        "fm_broken": rng.random() < 0.01,
        "seed_template": template is omnivore and vault == 1 and rng.random() < 0.7,
        "empty_links": rng.random() < 0.10,
        "bad_embeds": rng.random() < 0.024,
        "trailing": rng.random() < 0.35,
        "zero_width": rng.random() < 0.08,
        "nbsp": rng.random() < 0.10,
        "lost_fences": rng.random() < 0.05,
        "no_final_newline": rng.random() < 0.30,
        "vault_folder": "Omnivore",
    }


def generate(out: Path, files: int, seed: int, real: bool = False) -> list[int]:
    w = Writer(seed, real)
    r = w.rng
    sizes: list[int] = []
    giants = set(r.sample(range(files), max(1 if files >= 200 else 0, files // 500))) if files else set()
    references = set(r.sample(range(files), max(1, files // 700))) if real and files else set()
    made = 0
    while made < files:
        vault = r.randrange(len(VAULTS))
        template = weighted(r, TEMPLATES)
        cjk = vault in (2, 5) or r.random() < 0.12
        f = defects(r, vault, template, real)
        size = r.randint(400_000, 700_000) if made in giants else file_size(r)
        title = w.title(cjk)
        url = w.url()
        if made in references:
            template = clipper  # saved with the Web Clipper, into its folder
            text = reference_page(w, title, url, cjk, f, size)
        else:
            text = template(w, title, url, cjk, f, size)
        text = text.rstrip("\n") + ("" if f["no_final_newline"] else "\n")
        folder = out / VAULTS[vault] / {omnivore: "Omnivore", readwise: "Readwise/Articles", clipper: "Clippings",
                                        raindrop: "Raindrop", markdownload: "MarkDownload", logseq: "pages"}[template]  # fmt: skip
        if template is omnivore and vault in (1, 4):
            folder = folder / w.date()[:10]  # one folder per day
        if r.random() < 0.01:
            folder = out / VAULTS[vault] / ".trash" / "Omnivore"
        made += _write(folder, safe_name(title), text, sizes)
        if made < files and r.random() < 0.05:  # a duplicate: re-sync copy, ` 1.md`, Readwise `-2.md`
            suffix = r.choice([f"-{w.uuid()}", " 1", "-2"])
            copy = text if r.random() < 0.7 else text.replace("\n\n", "\n\nAn updated sentence.\n\n", 1)
            made += _write(folder, safe_name(title) + suffix, copy, sizes)
    return sizes


def _write(folder: Path, stem: str, text: str, sizes: list[int]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.md"
    n = 2
    while path.exists():
        path = folder / f"{stem} ({n}).md"
        n += 1
    data = text.encode("utf-8")
    path.write_bytes(data)
    sizes.append(len(data))
    return 1


def describe(sizes: list[int]) -> str:
    s = sorted(sizes)

    def pct(p: float) -> int:
        return s[min(len(s) - 1, int(p * len(s)))]

    return (
        f"{len(s)} files, {sum(s) / 1e6:.1f} MB; median {statistics.median(s) / 1e3:.1f} kB, "
        f"p90 {pct(0.9) / 1e3:.1f} kB, p99 {pct(0.99) / 1e3:.1f} kB, max {s[-1] / 1e3:.0f} kB"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default=None, help="folder to create (default: /tmp/omnibench/corpus-<files>-<seed>)")
    p.add_argument("--force", action="store_true", help="replace the folder if it exists")
    p.add_argument("--real", action="store_true", help="real vaults' finding density (see above)")
    args = p.parse_args(argv)
    out = Path(args.out or f"/tmp/omnibench/corpus-{args.files}-{args.seed}{'-real' if args.real else ''}")
    if out.exists():
        if not args.force:
            print(f"{out} exists (use --force to replace it)", file=sys.stderr)
            return 1
        shutil.rmtree(out)
    out.mkdir(parents=True)
    print(f"{out}: {describe(generate(out, args.files, args.seed, args.real))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
