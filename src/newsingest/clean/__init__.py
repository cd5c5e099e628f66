"""Cleaner: strip site chrome from a page's text; find its title and publication date."""

from .engine import Cleaner, clean_text, get_cleaner, keep_all
from .rules import Rule, RuleSet, load_ruleset

__all__ = ["Cleaner", "Rule", "RuleSet", "clean_text", "get_cleaner", "keep_all", "load_ruleset"]
