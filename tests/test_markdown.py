from plans.markup import render_markdown


def test_markdown_renders_lists_and_emphasis():
    html = render_markdown("**Viktig**\n\n- én\n- to")
    assert "<strong>Viktig</strong>" in html
    assert html.count("<li>") == 2


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('<script>alert(1)</script>\n\nHei <img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_removed():
    html = render_markdown("[klikk](javascript:alert(1))")
    assert "javascript:" not in html
