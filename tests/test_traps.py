"""Traps: text that repeats on purpose, which the duplicate rules must leave alone (issue 12).

Each fixture is a realistic page of one class of legitimate repetition (several in Chinese or
Japanese).  On each, `check` reports no DUP finding with a safe fix (and no DUP001/DUP002
finding at all: a wrong finding is a bug), and `fix --write` run through the CLI on a copy
changes no paragraph.  The acceptance test does the same on ../shared/traps, real
documentation whose SOURCES.tsv names every repetition with its lines.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SHARED, fix, lint

from omnilint.document import Document

TRAPS_DIR = SHARED / "traps"
SEED = (ROOT / "seeds" / "000_3c66538365dce977.md").read_text(encoding="utf-8")

TRAPS: dict[str, str] = {}

# -- the first steps of separate procedures -------------------------------------------------------

TRAPS["procedure-first-steps"] = """# Install the app

## Windows

1. Open your browser and go to the download page of the app, then pick the installer for Windows.
2. Run the installer and follow the instructions on the screen.

## macOS

1. Open your browser and go to the download page of the app, then pick the installer for Windows.
2. Open the disk image and drag the app to the Applications folder.

## Linux

1. Open your browser and go to the download page of the app, then pick the installer for Windows.
2. Make the AppImage executable and run it from a terminal.
"""

TRAPS["procedure-first-steps-zh"] = """# 恢复笔记的旧版本

## 在电脑上

1. 在文件列表中，选择你想要恢复的笔记，然后右键打开菜单。
2. 在侧边栏的核心插件下面，选择同步，然后打开版本历史。
3. 选择一个版本，然后点击恢复。

## 在手机上

1. 在文件列表中，选择你想要恢复的笔记，然后右键打开菜单。
2. 在侧边栏的核心插件下面，选择同步，然后打开版本历史。
3. 向左滑动一个版本，然后点击恢复。
"""

# -- admonitions and callouts -----------------------------------------------------------------------

TRAPS["admonition-note-paragraphs"] = """# Share an AMI

## Console

1. Choose **Actions**, then **Edit AMI permissions**.

**Note**
You do not need to share the Amazon EBS snapshots that an AMI references in order to share the AMI. Only the AMI itself needs to be shared; the system automatically provides the instance access to the referenced snapshots for the launch.

## AWS CLI

Use the modify-image-attribute command to grant launch permissions.

**Note**
You do not need to share the Amazon EBS snapshots that an AMI references in order to share the AMI. Only the AMI itself needs to be shared; the system automatically provides the instance access to the referenced snapshots for the launch.
"""

TRAPS["admonition-callouts-ja"] = """# ライフサイクルフック

## onRenderTracked()

> [!warning]
> このフックは開発モード専用です。サーバーサイドレンダリングの際には呼び出されません。本番ビルドでは何もしません。

リアクティブな依存関係がコンポーネントの描画エフェクトによって追跡されたときに呼び出されるデバッグフックを登録します。

## onRenderTriggered()

> [!warning]
> このフックは開発モード専用です。サーバーサイドレンダリングの際には呼び出されません。本番ビルドでは何もしません。

リアクティブな依存関係がコンポーネントの描画エフェクトの再実行をトリガーしたときに呼び出されるデバッグフックを登録します。
"""

# -- sibling entries of a reference share their descriptions ------------------------------------------

TRAPS["parameters-of-sibling-functions"] = """# Stream handles

### `uv.send_buffer_size(handle, [size])`

**Parameters:**
- `handle`: `userdata` for sub-type of `uv_handle_t`
- `size`: `integer` or `nil` (default: `0`)

Gets or sets the size of the send buffer that the operating system uses for the socket.

If `size` is omitted (or `0`), this will return the current buffer size; otherwise, this will use `size` to set the new buffer size.

This function works for TCP, pipe and UDP handles on Unix and for TCP and UDP handles on Windows.

### `uv.recv_buffer_size(handle, [size])`

**Parameters:**
- `handle`: `userdata` for sub-type of `uv_handle_t`
- `size`: `integer` or `nil` (default: `0`)

Gets or sets the size of the receive buffer that the operating system uses for the socket.

If `size` is omitted (or `0`), this will return the current buffer size; otherwise, this will use `size` to set the new buffer size.

This function works for TCP, pipe and UDP handles on Unix and for TCP and UDP handles on Windows.
"""

TRAPS["definition-list-options"] = """# brew(1)

### `install` [*`options`*] *`formula`*

`--cask`

: Treat all named arguments as casks.

`--adopt`

: Adopt existing artifacts in the destination that are identical to those being
  installed. Cannot be combined with `--force`.

`--zap`

: For use with `brew reinstall --cask`. Remove all files associated with a cask.
  *May remove files which are shared between applications.*

### `reinstall` [*`options`*] *`formula`*

`--cask`

: Treat all named arguments as casks.

`--adopt`

: Adopt existing artifacts in the destination that are identical to those being
  installed. Cannot be combined with `--force`.

`--zap`

: For use with `brew reinstall --cask`. Remove all files associated with a cask.
  *May remove files which are shared between applications.*
"""

TRAPS["api-reference-zh"] = """# 响应式 API：核心

## watchEffect()

立即运行一个函数，同时响应式地追踪其依赖，并在依赖更改时重新执行。第二个参数是一个可选的选项，可以用来调整副作用的刷新时机或调试副作用的依赖。

暂停/恢复侦听器：调用返回的 pause 函数可以暂停侦听器，调用 resume 函数可以让它重新开始工作，两个函数都不会触发回调的执行。

停止侦听器：调用返回的 stop 函数会停止侦听器，并且在组件卸载时侦听器会被自动停止，一般不需要手动调用。

## watch()

侦听一个或多个响应式数据源，并在数据源变化时调用所给的回调函数。第三个参数是一个可选的选项，可以用来调整回调的刷新时机或调试回调的依赖。

暂停/恢复侦听器：调用返回的 pause 函数可以暂停侦听器，调用 resume 函数可以让它重新开始工作，两个函数都不会触发回调的执行。

停止侦听器：调用返回的 stop 函数会停止侦听器，并且在组件卸载时侦听器会被自动停止，一般不需要手动调用。
"""

# -- templates and boilerplate of specifications ------------------------------------------------------

TRAPS["spec-iana-boilerplate"] = """# IANA Considerations

## HTTP/2 SETTINGS Parameter

This document adds a new HTTP/2 SETTINGS parameter to those defined by Section 6.5.2 of the HTTP/2 specification.

The new parameter name is SETTINGS_HTTP_SERVER_CERT_AUTH. The value of the
parameter MUST be 0 or 1, and any other value MUST be treated as a connection error.

The usage of this parameter is described in the section on settings usage, which applies to both versions.

## HTTP/3 SETTINGS Parameter

This document adds a new HTTP/3 SETTINGS parameter to those defined by Section 7.2.4.1 of the HTTP/3 specification.

The new parameter name is SETTINGS_HTTP_SERVER_CERT_AUTH. The value of the
parameter MUST be 0 or 1, and any other value MUST be treated as a connection error.

The usage of this parameter is described in the section on settings usage, which applies to both versions.

## Frame Types

Each code of the format `0x1f * N + 0x21` for non-negative integer values of `N`
MUST NOT be assigned by IANA and MUST NOT appear in the listing of assigned values.

## Error Codes

Each code of the format `0x1f * N + 0x21` for non-negative integer values of `N`
MUST NOT be assigned by IANA and MUST NOT appear in the listing of assigned values.

## Stream Types

Each code of the format `0x1f * N + 0x21` for non-negative integer values of `N`
MUST NOT be assigned by IANA and MUST NOT appear in the listing of assigned values.
"""

TRAPS["spec-registration-template"] = """# Field Name Registrations

The HTTP Field Name Registry needs to be updated with the following registration:

Field name:
: Cookie

Status:
: standard

Author/Change controller:
: IETF

The HTTP Field Name Registry needs to be updated with the following registration:

Field name:
: Set-Cookie

Status:
: standard

Author/Change controller:
: IETF
"""

TRAPS["sibling-variants-side-by-side"] = """# SETTINGS parameters

This document adds a new HTTP/2 SETTINGS parameter to those defined by the HTTP/2 specification, with the value 0 or 1.

This document adds a new HTTP/3 SETTINGS parameter to those defined by the HTTP/3 specification, with the value 0 or 1.

本文档为 HTTP/2 定义了一个新的 SETTINGS 参数，它的值必须是 0 或 1，其他的值都会被当作连接错误处理。

本文档为 HTTP/3 定义了一个新的 SETTINGS 参数，它的值必须是 0 或 1，其他的值都会被当作连接错误处理。
"""

# -- tables, lists, changelogs ------------------------------------------------------------------------

TRAPS["table-rows"] = """# Editing shortcuts

## Windows and Linux

| Action | Shortcut |
| --- | --- |
| Delete the previous character in the current line | `Backspace` |
| Delete the next character in the current line | `Delete` |
| Move the cursor to the next line of the note | `↓` |

## macOS

| Action | Shortcut |
| --- | --- |
| Delete the previous character in the current line | `Backspace` |
| Delete the next character in the current line | `Delete` |
| Move the cursor to the next line of the note | `↓` |

## Credits over three periods

| Period | Credits earned over the whole period |
| --- | --- |
| Credit Earn Rate over the first day | 72 credits per 24 hours |
| Credit Earn Rate over the first day | 72 credits per 24 hours |
"""

TRAPS["list-items-feature-lists"] = """# Memory optimized instances

**X2gd instances**

These instances are well suited for the following:
+ In-memory databases, such as Redis and Memcached, that keep their whole working set in memory.
+ Relational databases, such as MySQL and PostgreSQL, with large buffer pools.
+ Memory-intensive workloads, such as real-time analytics and real-time caching servers.

**X2idn instances**

These instances are well suited for the following:
+ In-memory databases, such as Redis and Memcached, that keep their whole working set in memory.
+ Relational databases, such as MySQL and PostgreSQL, with large buffer pools.
+ Memory-intensive workloads, such as real-time analytics and real-time caching servers.
"""

TRAPS["changelog-repeated-entries"] = """# Changelog

## 4.0.0

- breaking: Minimum supported Node version is now Node 16, as older versions are end of life
- breaking: Minimum supported webpack version is now webpack 5 for the loader
- feat: smaller minified output for destructor chunks in the compiled components

## 4.0.0-next.1

- breaking: Minimum supported Node version is now Node 16, as older versions are end of life
- breaking: Minimum supported webpack version is now webpack 5 for the loader

## 4.0.0-next.0

- feat: smaller minified output for destructor chunks in the compiled components
- ⚠️ Critical vulnerability fix. See https://security.snyk.io/vuln/SNYK-JS-AXIOS-6032459 for details.
- ⚠️ Critical vulnerability fix. See https://security.snyk.io/vuln/SNYK-JS-AXIOS-6032459 for details.
"""

# -- command output, code and code-like text --------------------------------------------------------

TRAPS["command-output"] = """# Writing automated tests

Run the tests again:

```console
$ cargo test
   Compiling adder v0.1.0 (file:///projects/adder)
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out
```

Now add a failing test and run them once more:

```console
$ cargo test
   Compiling adder v0.1.0 (file:///projects/adder)
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out
```

The console log shows the same line again and again:

request_module: runaway loop modprobe binfmt-464c kernel module loader

request_module: runaway loop modprobe binfmt-464c kernel module loader

request_module: runaway loop modprobe binfmt-464c kernel module loader
"""

TRAPS["command-output-zh"] = """# 撤销提交

我想把分支重置到之前的某个提交：

(main)$ git reset --hard a13b85e
HEAD is now at a13b85e 在分支上提交的修改已经被撤销了

## 我不小心删除了分支

先找到删除前的那个提交，然后恢复：

(main)$ git reset --hard a13b85e
HEAD is now at a13b85e 在分支上提交的修改已经被撤销了
"""

TRAPS["code-shared-helpers-ja"] = """# 非同期処理

次のコードでは、ダミーのリソースを取得する関数を定義しています。

```js
function dummyFetch(path) {
    return new Promise((resolve, reject) => {
        resolve({ body: `Response body of ${path}` });
    });
}
```

同じ関数を使って、複数のリソースを順番に取得します。

```js
function dummyFetch(path) {
    return new Promise((resolve, reject) => {
        resolve({ body: `Response body of ${path}` });
    });
}
```
"""

TRAPS["code-without-fences"] = """# Blocking commands in modules

This was what the failing code looked like at that point:

int Example_RedisCommand(RedisModuleCtx \\*ctx, RedisModuleString \\*\\*argv, int argc) {
RedisModuleBlockedClient \\*bc = RedisModule_BlockClient(ctx, reply_func, timeout_func, NULL, 0);

pthread_t tid;
if (pthread_create(&tid, NULL, threadmain, bc) != 0) { RedisModule_AbortBlock(bc); }

After the fix, the command looks like this:

int Example_RedisCommand(RedisModuleCtx \\*ctx, RedisModuleString \\*\\*argv, int argc) {
RedisModuleBlockedClient \\*bc = RedisModule_BlockClient(ctx, reply_func, timeout_func, NULL, 0);

pthread_t tid;
if (pthread_create(&tid, NULL, threadmain, bc) != 0) { RedisModule_AbortBlock(bc); }
"""

TRAPS["code-escaped-underscores"] = """# Environment variables

Set the variable before you start the server:

export RCLONE\\_DRIVE\\_CLIENT\\_ID=your\\_client\\_id\\_from\\_the\\_console RCLONE\\_DRIVE\\_SCOPE=drive

Then set it again in the service file, since systemd does not read your shell profile:

export RCLONE\\_DRIVE\\_CLIENT\\_ID=your\\_client\\_id\\_from\\_the\\_console RCLONE\\_DRIVE\\_SCOPE=drive
"""

TRAPS["code-html-escaped-fences"] = """# Merging two sorted lists

The first attempt:

&#x60;&#x60;&#x60;js
if (list1Pointer.val &gt;&#x3D; list2Pointer.val) {
  current &#x3D; list2Pointer
}
&#x60;&#x60;&#x60;

&#x60;&#x60;&#x60;js
if (list1Pointer.val &gt;&#x3D; list2Pointer.val) {
  current &#x3D; list2Pointer
}
&#x60;&#x60;&#x60;
"""

# -- headings, links, captions, FAQ answers, highlights -------------------------------------------------

TRAPS["heading-vs-list-item-zh"] = """# Reflect

Reflect 对象一共有 13 个静态方法，下面是其中最常用的几个：

- Reflect.get(target, name, receiver) 查找并返回 target 对象的 name 属性
- Reflect.set(target, name, value, receiver) 设置 target 对象的 name 属性

### Reflect.get(target, name, receiver) 查找并返回 target 对象的 name 属性

如果 name 属性部署了读取函数，则读取函数的 this 绑定 receiver。

### Reflect.set(target, name, value, receiver) 设置 target 对象的 name 属性

如果 name 属性设置了赋值函数，则赋值函数的 this 绑定 receiver。
"""

TRAPS["link-in-two-sections-zh"] = """# 免费的编程中文书籍索引

## 管理和监控

* [Mastering Elasticsearch(中文版)](https://doc.example.com/mastering-elasticsearch/)
* [ELKstack 中文指南](https://doc.example.com/elkstack-guide-cn/)

## Elasticsearch

* [Mastering Elasticsearch(中文版)](https://doc.example.com/mastering-elasticsearch/)
* [Elasticsearch 权威指南（中文版）](https://doc.example.com/elasticsearch-definitive-guide-cn/)

## 项目相关

* [GNU make 指南：从入门到精通，附带大量可以直接运行的例子](https://doc.example.com/gnu-make/)

## C

* [GNU make 指南：从入门到精通，附带大量可以直接运行的例子](https://doc.example.com/gnu-make/)
"""

TRAPS["captions-ja"] = """# 作業空間

<span class="filename">ファイル名: add-one/src/lib.rs のコードを次のように書き換えます</span>

```rust
pub fn add_one(x: i32) -> i32 { x + 1 }
```

<span class="filename">ファイル名: add-one/src/lib.rs のコードを次のように書き換えます</span>

```rust
pub fn add_one(x: i32) -> i32 { x + 2 }
```

![The lower town under water after the night of rain, seen from the bridge](flood-1.jpg)

The water rose overnight.

![The lower town under water after the night of rain, seen from the bridge](flood-1.jpg)
"""

TRAPS["faq-answers"] = """# FAQ

## Why does Homebrew say sudo is bad?

Did you `chown root /Applications/TextMate.app`? Probably not. So is it that important to `chown root wget`?

Note: Homebrew is primarily designed for single-user use and does not work well in multi-user configurations.

## Why isn't a particular command documented?

If it's not in `man brew`, it's probably an external command with documentation available using `--help`.

Note: Homebrew is primarily designed for single-user use and does not work well in multi-user configurations.
"""

TRAPS["back-to-top"] = """# Style guide

## Types

Primitives: when you access a primitive type you work directly on its value, never on a reference to it.

**[⬆ back to top of the table of contents of this style guide](#table-of-contents)**

## References

Use const for all of your references; avoid using var, since reassigning a reference is hard to follow.

**[⬆ back to top of the table of contents of this style guide](#table-of-contents)**
"""

TRAPS["highlights-quote-the-body-zh"] = """---
id: 9c3f2b1e-0d99-11ef-9ccf-87911ceebd3f
title: 详论戒色要点
---

# 详论戒色要点
#Omnivore

[Read Original](https://tieba.baidu.com/p/8347187073?see_lz=1)

## Highlights

> 小便的时候咬住后槽牙，这样能保住不漏，《戒为良药》里也写过，牙属肾，最好一直保持。 [⤴️](https://omnivore.app/me/-19177ad9f40#2ac621a7)  ^2ac621a7

## Content

小便的时候咬住后槽牙，这样能保住不漏，《戒为良药》里也写过，牙属肾，最好一直保持。

还是那句话，养生要磨细节，才能慢慢看到效果，不要急于求成。
"""

TRAPS["template-callout-summary"] = """---
title: domloggerpp
source: https://github.com/kevin-mizu/domloggerpp
---

> [!summary]
> A browser extension that allows you to monitor, intercept, and debug JavaScript sinks based on configurations.

A browser extension that allows you to monitor, intercept, and debug JavaScript sinks based on customizable configurations.

## Notes

A browser extension that allows you to monitor, intercept, and debug JavaScript sinks based on customizable configuration.
"""

TRAPS["repeated-sentence-ja"] = """# 関数とthis

## callメソッド

次の例では`this`に`person`オブジェクトを指定した状態で`say`関数を呼び出しています。関数の引数には文字列を渡しています。

```js
say.call(person, "こんにちは");
```

## applyメソッド

次の例では`this`に`person`オブジェクトを指定した状態で`say`関数を呼び出しています。関数の引数には文字列を渡しています。

```js
say.apply(person, ["こんにちは"]);
```
"""

# -- helpers ----------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def paragraph_words(text: str) -> list[tuple[str, ...]]:
    """The words of each paragraph and heading, in order: what a reader would miss."""
    doc = Document(text)
    found = []
    for node in doc.nodes_of("paragraph", "heading"):
        words = tuple(_WORD.findall(node.plain_text().casefold()))
        if words:
            found.append(words)
    return found


def omnilint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "omnilint", *args, "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def dup_findings(folder: Path) -> list[dict]:
    proc = omnilint("check", "--select", "DUP", "--output-format", "json", ".", cwd=folder)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def fix_write_and_compare(folder: Path) -> list[str]:
    """Run `fix --write` (safe fixes, every default rule) on `folder`; the paragraphs each
    file lost, as readable lines."""
    before = {p: p.read_text(encoding="utf-8") for p in folder.rglob("*.md")}
    omnilint("fix", "--write", ".", cwd=folder)
    lost = []
    for path, text in before.items():
        kept = Counter(paragraph_words(path.read_text(encoding="utf-8")))
        for words in paragraph_words(text):
            if kept[words] > 0:
                kept[words] -= 1
            else:
                lost.append(f"{path.relative_to(folder)}: {' '.join(words)[:120]}")
    return lost


# -- the trap suite ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_no_duplicate_finding_on_legitimate_repetition(name: str):
    text = TRAPS[name]
    found = lint(text, "DUP001", "DUP002")
    assert [(d.code, d.line, d.message) for d in found] == []
    assert fix(text, "DUP001", "DUP002").text == text


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_each_trap_repeats_something(name: str):
    """A trap that repeats nothing would test nothing: in each, two lines share a run of six
    words (a paragraph, heading, item, row or line said twice, exactly or nearly)."""
    seen: dict[tuple[str, ...], int] = {}
    repeated = False
    for number, line in enumerate(TRAPS[name].splitlines()):
        words = _WORD.findall(line.casefold())
        # CJK text has no spaces: its characters are its words.
        words = [c for w in words for c in (w if not w.isascii() else [w])]
        for i in range(len(words) - 5):
            shingle = tuple(words[i : i + 6])
            repeated = repeated or seen.setdefault(shingle, number) != number
    assert repeated, name


def test_fix_write_changes_no_paragraph_of_the_traps(tmp_path: Path):
    for name, text in TRAPS.items():
        (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
    assert [f for f in dup_findings(tmp_path) if f["fix"] and f["fix"]["applicability"] == "safe"] == []
    assert fix_write_and_compare(tmp_path) == []


def test_the_trap_check_can_fail(tmp_path: Path):
    """The comparison does catch a removed paragraph: the seed loses its duplicated run."""
    (tmp_path / "seed.md").write_text(SEED, encoding="utf-8")
    lost = fix_write_and_compare(tmp_path)
    assert any("美国国防部高级别官员与中国对等官员进行会谈" in line for line in lost)


# -- acceptance: real documentation with legitimate repetition ------------------------------------------


@pytest.fixture(scope="module")
def shared_traps(tmp_path_factory) -> Path:
    if not TRAPS_DIR.is_dir():
        pytest.skip(f"the traps folder is expected at ../shared/traps beside the project root ({TRAPS_DIR})")
    copy = tmp_path_factory.mktemp("traps") / "traps"
    shutil.copytree(TRAPS_DIR, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


def _repetitions(folder: Path) -> list[tuple[str, str, list[int]]]:
    """(file, stripped line prefix, line numbers) of every repetition SOURCES.tsv names."""
    found = []
    with open(folder / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for prefix, lines in re.findall(r"«(.*?)» L([\d,]+)", row["what_repeats_legitimately_and_where"]):
                found.append((row["file"], prefix.rstrip("…"), [int(n) for n in lines.split(",") if n]))
    return found


def test_no_safe_duplicate_fix_on_the_shared_traps(shared_traps: Path):
    safe = [
        f"{f['path']}:{f['line']} {f['code']} {f['message']}"
        for f in dup_findings(shared_traps)
        if f["fix"] and f["fix"]["applicability"] == "safe"
    ]
    assert safe == []


def test_safe_fixes_remove_no_paragraph_of_the_shared_traps(tmp_path: Path, shared_traps: Path):
    work = tmp_path / "traps"
    shutil.copytree(shared_traps, work)
    repetitions = _repetitions(work)
    assert repetitions, "SOURCES.tsv names no repetition"
    before = {path.name: path.read_text(encoding="utf-8").splitlines() for path in work.glob("*.md")}
    assert fix_write_and_compare(work) == []
    # Every repetition SOURCES.tsv names is still there as often as before.
    for name, prefix, lines in repetitions:
        old = before[name]
        assert all(old[n - 1].strip().startswith(prefix) for n in lines), (name, prefix)  # the TSV is right
        new = (work / name).read_text(encoding="utf-8").splitlines()
        count = sum(1 for line in new if line.strip().startswith(prefix))
        assert count >= len(lines), f"{name}: «{prefix}» {count} times after the fix, {len(lines)} before"
