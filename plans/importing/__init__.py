"""Reading a plan document (DOCX, PDF, Markdown, text) into a plan for review.

readers.py (with docx.py and pdf.py) and text.py turn a file into blocks and know
nothing of models;
structure.py reads sections, goals, measures and targets from the blocks, and
wheel.py the annual wheel's tables; review.py turns what a person confirmed into a draft plan.
"""
