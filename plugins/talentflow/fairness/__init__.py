"""Public audits of the automated employment decision tool: impact ratios (``impact``, shared with
feedback retraining's four-fifths guard), the yearly bias audit in the NYC Local Law 144 form
(``bias_audit``) and the AI-system log view of every automated recommendation (``ailog``)."""
