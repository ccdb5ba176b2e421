from django.db import migrations

# GB 32100-2015 in SQL, so that the database itself refuses an invalid 统一社会信用代码 (CHECK constraints
# of providers and applications): 18 characters of the alphabet without I, O, S, V, Z, the last one the
# check character of the first 17 (weights 3^i mod 31; 31 - Σ mod 31, with 31 written as 0).
# The same rule as linke.validators.validate_credit_code; a test compares the two on random codes.
CREATE = r"""
CREATE FUNCTION linke_credit_code_is_valid(code text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'
       AND substr(
               '0123456789ABCDEFGHJKLMNPQRTUWXY',
               ((31 - (SELECT sum((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, position::int, 1)) - 1)
                                  * weight)
                       FROM unnest(ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
                            WITH ORDINALITY AS weights(weight, position)) % 31) % 31 + 1)::int,
               1
           ) = substr(code, 18, 1)
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("linke", "0007_domain_events")]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql="DROP FUNCTION linke_credit_code_is_valid(text);"),
    ]
