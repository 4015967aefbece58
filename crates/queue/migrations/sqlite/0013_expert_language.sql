-- The language an expert chose for the console (a tag of lifeline-i18n, such
-- as `de` or `pt-BR`); NULL follows the browser's Accept-Language.
ALTER TABLE experts ADD COLUMN language TEXT;
