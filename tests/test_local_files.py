"""Files a post points at resolve against content/ (Jekyll's site root), whatever the folder,
and are published at the same path."""

from __future__ import annotations

import pytest

from plugins.markdown.local_files import resolve_images
from tests.conftest import copy_content, run_build, write_settings
from tests.test_jekyll_corpus import one_pixel_png


def resolve(tmp_path, html: str, baseurl: str = "") -> str:
    post = tmp_path / "_posts" / "2020-01-01-a.md"
    post.parent.mkdir(exist_ok=True)

    def error(line, message):
        raise ValueError(message)

    return resolve_images(html, html, str(post), str(tmp_path), {}, error, baseurl)


def test_images_and_linked_files_anywhere_become_static_links(tmp_path):
    (tmp_path / "posts/20190808").mkdir(parents=True)
    (tmp_path / "posts/20190808/mockup.png").write_bytes(one_pixel_png())
    (tmp_path / "files").mkdir()
    (tmp_path / "files/paper.pdf").write_bytes(b"%PDF")
    out = resolve(tmp_path, '<img src="/posts/20190808/mockup.png"> <a href="/files/paper.pdf#page=2">p</a>')
    assert 'src="{static}/posts/20190808/mockup.png"' in out and 'width="1" height="1"' in out
    assert 'href="{static}/files/paper.pdf#page=2"' in out


def test_the_baseurl_of_relative_url_is_not_part_of_the_path(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/x.png").write_bytes(one_pixel_png())
    assert 'src="{static}/assets/x.png"' in resolve(tmp_path, '<img src="/blog/assets/x.png">', baseurl="/blog")


def test_links_to_pages_and_other_hosts_are_left_alone(tmp_path):
    html = '<a href="/2020/01/01/a/">post</a> <a href="https://x.org/f.pdf">f</a> <a href="#top">t</a>'
    assert resolve(tmp_path, html) == html


@pytest.mark.parametrize(
    "src, figures_hint",
    [("/assets/figures/act.svg", True), ("/posts/20190808/mockup.png", False), ("/assets/rl/pong.gif", False)],
)
def test_a_missing_image_suggests_the_figures_command_only_for_figures(tmp_path, src, figures_hint):
    with pytest.raises(ValueError) as err:
        resolve(tmp_path, f'<img src="{src}">')
    assert src in str(err.value)
    assert ("python -m figures" in str(err.value)) is figures_hint


def outside_attempt(tmp_path, html: str, secret: bool) -> tuple[int | None, str]:
    """(line, message) of the error for `html` in a post of tmp_path/site, with or without
    a real image at tmp_path/secret.png, outside the content folder."""
    site, errors = tmp_path / "site", []
    (site / "_posts").mkdir(parents=True, exist_ok=True)
    (tmp_path / "secret.png").unlink(missing_ok=True)
    if secret:
        (tmp_path / "secret.png").write_bytes(one_pixel_png())
    source = f"Some text\n\n{html}\n"
    resolve_images(html, source, str(site / "_posts/2020-01-01-a.md"), str(site), {}, lambda *e: errors.append(e))
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize(
    "html",
    [
        '<img src="/../secret.png">',  # from the site root
        '<img src="../../secret.png">',  # from the post's folder
        '<img src="/blog/../../secret.png">',
        '<a href="../../secret.png">the file</a>',
        '<a href="{static}/../secret.png">the file</a>',  # Pelican would copy it into the site
        '<video poster="|attach|../../secret.png"></video>',
        '<img src="/%2e%2e/secret.png">',
    ],
)
def test_a_path_out_of_the_content_folder_fails_alike_whether_or_not_the_file_exists(tmp_path, html):
    there = outside_attempt(tmp_path, html, secret=True)
    assert there == outside_attempt(tmp_path, html, secret=False)
    line, message = there
    assert line == 3 and "leads outside the content folder" in message
    assert html.split('"')[1].removeprefix("{static}").removeprefix("|attach|") in message  # as written
    assert str(tmp_path / "secret.png") not in message and "width" not in message


def test_a_symlink_in_the_content_folder_leads_nowhere_outside_it(tmp_path):
    (tmp_path / "site/assets").mkdir(parents=True)
    (tmp_path / "site/assets/x.png").symlink_to(tmp_path / "secret.png")
    there = outside_attempt(tmp_path, '<img src="/assets/x.png">', secret=True)
    assert there == outside_attempt(tmp_path, '<img src="/assets/x.png">', secret=False)
    assert "'/assets/x.png' leads outside the content folder" in there[1]


def test_relative_paths_inside_the_content_folder_and_page_links_still_work(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/x.png").write_bytes(one_pixel_png())
    out = resolve(tmp_path, '<img src="../assets/x.png"> <a href="../assets/./x.png">x</a>')
    assert out.count("{static}/assets/x.png") == 2
    pages = '<a href="../../../about/">up</a> <a href="../../2019/01/01/x.html">old</a> <a href="../..">top</a>'
    assert resolve(tmp_path, pages) == pages  # a page's URL, relative to this page's: never a file


@pytest.mark.build
def test_linked_files_outside_static_folders_are_published_at_the_same_path(tmp_path):
    content = copy_content(tmp_path / "content")
    (content / "posts/20190808").mkdir(parents=True)
    (content / "posts/20190808/mockup.png").write_bytes(one_pixel_png())
    (content / "files").mkdir()
    (content / "files/paper.pdf").write_bytes(b"%PDF-1.4\n")
    (content / "_posts").mkdir()
    (content / "_posts/2020-01-01-files.md").write_text(
        "---\ntitle: Files\n---\n\n![mockup](/posts/20190808/mockup.png)\n\nRead [the paper](/files/paper.pdf).\n"
    )
    result = run_build(write_settings(tmp_path, content), tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out/posts/20190808/mockup.png").read_bytes() == one_pixel_png()
    assert (tmp_path / "out/files/paper.pdf").is_file()
    page = (tmp_path / "out/2020/01/01/files/index.html").read_text()
    assert 'src="/posts/20190808/mockup.png"' in page and 'href="/files/paper.pdf"' in page


@pytest.mark.parametrize(
    "html",
    ["<img src=\"{{ '/assets/x.png' | relative_url }}\">", '<a href="{{ site.baseurl }}/about/">a</a>'],
)
def test_liquid_left_in_a_link_is_one_error_naming_its_line(tmp_path, html):
    # Liquid runs only in a file with front matter; what is left would be a Pelican warning
    # that names no file.
    with pytest.raises(ValueError, match="is not a URL: Liquid"):
        resolve(tmp_path, html)


def test_pelicans_own_links_are_left_for_pelican(tmp_path):
    html = '<a href="{filename}/posts/x.md">x</a> <a href="{tag}maths">t</a> <a href="{index}">i</a>'
    assert resolve(tmp_path, html) == html


def test_an_address_that_cannot_be_parsed_is_no_local_file(tmp_path):
    html = '<a href="//host[x/page">a</a> <img src="//[bad">'
    assert resolve(tmp_path, html) == html  # left as written (another host's business), never a crash
