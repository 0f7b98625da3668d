"""创业担保贷款 and its 财政贴息: one procedure across five parties (鲁人社字〔2020〕27号 附件2; 财金〔2020〕21号;
津政办规〔2020〕7号 十七; 渝人社〔2021〕236号). The flow is in :mod:`.flow`, the tables in :mod:`.models`,
the quarterly subsidy in :mod:`.subsidy`. docs/loans.md describes it and the readings where the texts are silent.
"""
