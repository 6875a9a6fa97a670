"""The Omnivore image proxy URL: `https://proxy-prod.omnivore-image-cache.app/<W>x<H>,s<signature>/<original URL>`.

Shared by LNK002 (recoverable: rewrite to the original) and LNK001 (not
recoverable: a dead service).  The recovery follows REFERENCE.md §3: take
everything after the options segment as it is (never percent-decode: Substack
image URLs carry `https%3A%2F%2F` in their path) and repair a collapsed
`https:/host`.  Character references are already resolved by the parser.
"""

from __future__ import annotations
