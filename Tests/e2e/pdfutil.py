"""Helpers shared by the end-to-end tests that print pages to PDF and read them back with
poppler-utils (pdfinfo, pdftotext)."""
import base64
import re
import subprocess

WS = re.compile(r"\s+")


def squash(text):
    """Text with every white space removed: lines wrap differently on paper than on screen."""
    return WS.sub("", text)


def wait_for_fonts(driver):
    driver.execute_async_script("document.fonts.ready.then(() => arguments[arguments.length - 1]())")


def print_with_css_page_size(driver, path):
    """Print the current page as a user's browser does: the CSS @page rule decides the paper
    size and margins (Chrome DevTools Page.printToPDF, no browser header/footer)."""
    wait_for_fonts(driver)
    res = driver.execute_cdp_cmd("Page.printToPDF", {
        "preferCSSPageSize": True,
        "printBackground": True,
        "displayHeaderFooter": False,
    })
    with open(path, "wb") as f:
        f.write(base64.b64decode(res["data"]))
    return path


def print_a4(driver, path):
    """selenium's print_page (the WebDriver print command), A4 portrait."""
    from selenium.webdriver.common.print_page_options import PrintOptions
    wait_for_fonts(driver)
    opts = PrintOptions()
    opts.orientation = "portrait"
    opts.page_width = 21.0
    opts.page_height = 29.7
    opts.background = True
    with open(path, "wb") as f:
        f.write(base64.b64decode(driver.print_page(opts)))
    return path


def pdfinfo(path):
    out = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    info = {}
    for line in out.splitlines():
        k, _, v = line.partition(":")
        info[k.strip()] = v.strip()
    return info


def page_count(path):
    return int(pdfinfo(path)["Pages"])


def page_sizes(path):
    """[(width, height)] in points for every page."""
    n = page_count(path)
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), path], check=True, capture_output=True, text=True).stdout
    sizes = []
    for m in re.finditer(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M):
        sizes.append((float(m.group(1)), float(m.group(2))))
    assert len(sizes) == n, out
    return sizes


def pdftext(path, *args, first=None, last=None):
    cmd = ["pdftotext", *args]
    if first is not None:
        cmd += ["-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    cmd += [path, "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def page_texts(path, *args):
    """One string per page."""
    return [pdftext(path, *args, first=i, last=i) for i in range(1, page_count(path) + 1)]
