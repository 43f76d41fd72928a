#!/usr/bin/env python3
"""Writes the chat templates of real models that llama.cpp's tests/test-chat-template.cpp lists (one .jinja per case).

Usage: extract_templates.py <path to test-chat-template.cpp>
The committed files came from ggerganov/llama.cpp at c392e5094deaf2d1a7c18683214f007fad3fe42b (MIT); the other
*.jinja files here are that commit's models/templates/*.jinja, copied unchanged. They are the models' own templates
(Llama 2/3, Mistral, ChatML, Gemma, Phi, Qwen, DeepSeek, Command-R, ...), used as data: ModelGuard must pass every one.
"""
import re
import sys

source = open(sys.argv[1], encoding="utf-8").read()
cases = re.findall(r'/\* \.name= \*/ "((?:[^"\\]|\\.)*)",\s*/\* \.template_str= \*/ (?:u8)?"((?:[^"\\]|\\.)*)"', source)
for index, (name, literal) in enumerate(cases):
    text = literal.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60]
    with open(f"test-chat-template-{index:02d}-{slug}.jinja", "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
print(len(cases))
