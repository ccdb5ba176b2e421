"""The contracts domain's tables in `manage.py generate_scale_data` (a step of `merchants.scale.steps`,
found by the command as the admin finds `admin` modules): contracts of both kinds with their stores,
terms and timeline, deliverables and SLA breaches, GMV records, statements, reviews, and the providers'
standing from them. What is planned: `plan`; how it is written: `rows`."""

from merchants.scale.steps import register_step

from .rows import MODELS, Rows


def write_contracts(generator, cursor) -> None:
    """The step: nothing when the sizes ask for no contracts."""
    if generator.sizes.contracts:
        Rows(generator, cursor).run()


register_step("contracts", write_contracts, models=MODELS)
