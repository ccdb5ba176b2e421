"""Widgets render with Jinja2 and the same markup as with the template language; the admin's widgets,
which have only Django templates, still render."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from linke.renderers import FormRenderer


class Sample(forms.Form):
    city = forms.ChoiceField(choices=[("fz", "福州市（福建省）"), ("xm", "厦门市<&>")])
    cities = forms.MultipleChoiceField(choices=[("fz", "福州"), ("xm", "厦门")], widget=forms.CheckboxSelectMultiple)
    email = forms.EmailField(help_text="work address")


def tags(html: str) -> str:
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html)


def test_widgets_render_as_the_template_language_renders_them():
    bound = {"city": "xm", "cities": ["fz"], "email": "a@example.test"}
    ours = Sample(bound, renderer=FormRenderer()).as_div()
    djangos = Sample(bound, renderer=DjangoTemplates()).as_div()
    assert tags(ours) == tags(djangos)  # the same markup (the engines differ only in the blanks between tags)
    assert '<option value="xm" selected>厦门市&lt;&amp;&gt;</option>' in ours


def test_a_widget_with_only_a_django_template_falls_back_to_it():
    html = FormRenderer().render("admin/widgets/foreign_key_raw_id.html", {"widget": {"name": "user", "attrs": {}}})
    assert 'name="user"' in html
