"""The form renderer: widgets render with Jinja2 from Django's own widget templates, and anything that has
only a Django template (the admin's widgets) with the template language.

Why: the template language renders a widget by including a template per option and per attribute list;
a select of the 300-odd service cities costs tens of milliseconds that way, the same widget with Jinja2 a
fraction of it, with the same markup (Django ships both sets of templates).

To change a widget's markup, give the widget a template of its own (`template_name`, a new name) rather
than overriding one of Django's under `templates/django/forms/`: Django's Jinja2 copy is found first."""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
