/* console_css.c -- the console's one style sheet, served as
 * /console/static/console.css (the CSP allows no inline style). */
#include "console_int.h"

/* clang-format off */
const char console_css[] =
    "body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;"
    "background:#f4f4f2}\n"
    "header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;"
    "padding:.6em 1.2em;background:#17457a;color:#fff}\n"
    "header a{color:#fff}header nav a{margin-right:1em}\n"
    "header .who{margin-left:auto;font-size:.9em}\n"
    "header button{background:none;color:#fff;border:1px solid #fff;"
    "border-radius:.3em;padding:.15em .6em;cursor:pointer}\n"
    "main{padding:.5em 1.2em 2em;max-width:80em}\n"
    "h1{font-size:1.5em;margin:.6em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}\n"
    "table{border-collapse:collapse;background:#fff;width:100%}\n"
    "th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;"
    "vertical-align:top}\n"
    "thead th{background:#e6eaf0}\n"
    "table.fields{width:auto}table.fields th{color:#5b6066;font-weight:600}\n"
    "form.filters{margin:.5em 0 1em;display:flex;flex-wrap:wrap;gap:.4em}\n"
    "form.edit{display:grid;gap:.5em;max-width:36em;background:#fff;"
    "padding:1em;border-radius:.4em}\n"
    "form.edit label,form.login label{display:grid;gap:.2em}\n"
    "form.login{display:grid;gap:.7em;max-width:22em}\n"
    "form.inline{display:inline}\n"
    "input,select,button{font:inherit;padding:.3em .4em}\n"
    "button,a.button{background:#17457a;color:#fff;border:0;border-radius:.3em;"
    "padding:.35em .9em;text-decoration:none;cursor:pointer}\n"
    ".error{color:#b3161b;font-weight:600}.note{color:#8a4b00;margin:0}\n"
    ".st-suspended,.st-expired{color:#b8650a}.st-revoked{color:#b3161b}\n"
    ".pager a{margin-right:1em}code{font-size:.95em}\n"
    "a{color:#0b57a4}\n";
/* clang-format on */
