"""The dashboard: ``tui_trainer.ui.app.run_dashboard(config)``.

Kept free of imports: the training process loads modules of this package (``process``,
``session``, ``protocol``) and must not pay for Textual.
"""
