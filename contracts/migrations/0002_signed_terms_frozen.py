from django.db import migrations

# What a merchant signed is evidence: once a contract carries its signed terms and their fingerprint, the
# database itself refuses to change them, the terms they were made from, or the contract's service items
# and delivery standards, whatever the application (or a SQL prompt) tries. A change of terms is a new
# contract version the merchant signs again. The end date stays writable: a termination moves it (the
# signed terms keep the original).
SQL = """
CREATE FUNCTION contracts_contract_signed_terms_frozen() RETURNS trigger AS $$
BEGIN
    IF NEW.signed_terms IS DISTINCT FROM OLD.signed_terms
       OR NEW.signed_fingerprint IS DISTINCT FROM OLD.signed_fingerprint
       OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR NEW.signed_by_id IS DISTINCT FROM OLD.signed_by_id
       OR NEW.version IS DISTINCT FROM OLD.version
       OR NEW.kind IS DISTINCT FROM OLD.kind
       OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.scope IS DISTINCT FROM OLD.scope
       OR NEW.start_date IS DISTINCT FROM OLD.start_date
       OR NEW.monthly_fee IS DISTINCT FROM OLD.monthly_fee
       OR NEW.commission_bp IS DISTINCT FROM OLD.commission_bp
       OR NEW.total_price IS DISTINCT FROM OLD.total_price
       OR NEW.provider_id IS DISTINCT FROM OLD.provider_id
       OR NEW.merchant_id IS DISTINCT FROM OLD.merchant_id THEN
        RAISE EXCEPTION 'contract % is signed: its terms cannot change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_contract_signed_terms_frozen
    BEFORE UPDATE ON contracts_contract
    FOR EACH ROW WHEN (OLD.signed_fingerprint <> '')
    EXECUTE FUNCTION contracts_contract_signed_terms_frozen();

CREATE FUNCTION contracts_terms_of_signed_contract_frozen() RETURNS trigger AS $$
DECLARE
    contract_id bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.contract_id ELSE OLD.contract_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM contracts_contract WHERE id = contract_id AND signed_fingerprint <> '') THEN
        RAISE EXCEPTION 'contract % is signed: % of its terms refused', contract_id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_serviceitem_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON contracts_serviceitem
    FOR EACH ROW EXECUTE FUNCTION contracts_terms_of_signed_contract_frozen();
CREATE TRIGGER contracts_deliverystandard_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON contracts_deliverystandard
    FOR EACH ROW EXECUTE FUNCTION contracts_terms_of_signed_contract_frozen();
"""

REVERSE = """
DROP TRIGGER IF EXISTS contracts_deliverystandard_frozen ON contracts_deliverystandard;
DROP TRIGGER IF EXISTS contracts_serviceitem_frozen ON contracts_serviceitem;
DROP FUNCTION IF EXISTS contracts_terms_of_signed_contract_frozen();
DROP TRIGGER IF EXISTS contracts_contract_signed_terms_frozen ON contracts_contract;
DROP FUNCTION IF EXISTS contracts_contract_signed_terms_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
