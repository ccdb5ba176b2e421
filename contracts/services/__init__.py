"""Every write of the contracts domain, one module per area: contracts (the lifecycle), rfqs (需求发布),
deliverables (delivery, SLA, KPIs), money (GMV records, statements), reviews."""
