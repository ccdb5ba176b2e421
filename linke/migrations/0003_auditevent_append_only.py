from django.db import migrations

# The audit trail is evidence: the database itself refuses to change or remove it,
# whatever the application (or an operator with a SQL prompt) tries. TRUNCATE stays possible for the
# table owner (the test runner flushes tables between transactional tests).
SQL = """
CREATE FUNCTION linke_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'linke_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER linke_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON linke_auditevent
    FOR EACH ROW EXECUTE FUNCTION linke_auditevent_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS linke_auditevent_no_update_delete ON linke_auditevent;
DROP FUNCTION IF EXISTS linke_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("linke", "0002_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
