"""Re-encrypt every personal-data column under the current key: ``manage.py rotatepiikey``.

``--check`` only counts, per column, the values still under another key and exits non-zero
while any is left (then the old key must stay in HONGFAN_PII_KEYS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hongfan.core import pii


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data (身份证号, 手机号, …) under the current key of "
        "HONGFAN_PII_KEYS, in batches; resumable. --check reports what is left under old keys."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="only report, change nothing")
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    def handle(self, *args: Any, **opts: Any) -> None:
        current = pii.current_key_id()
        if opts["check"]:
            self._check(current)
            return
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size 必须是正整数")
        self.stdout.write(f"当前密钥：{current}")
        unreadable_total = 0
        for model, names in pii.encrypted_fields():
            label = f"{model._meta.label}（{', '.join(names)}）"

            def report(done: int, unreadable: int, label: str = label) -> None:
                self.stdout.write(f"  {label}：已重新加密 {done} 个值，无法解密 {unreadable} 个")

            done, unreadable = pii.rotate_model(
                model, names, batch_size=opts["batch_size"], progress=report
            )
            unreadable_total += unreadable
            self.stdout.write(f"{label}：完成，重新加密 {done} 个值")
        if unreadable_total:
            raise CommandError(
                f"{unreadable_total} 个值无法解密（其密钥不在 HONGFAN_PII_KEYS 中），未改动；"
                "加回该密钥后重新运行"
            )
        self._check(current)

    def _check(self, current: str) -> None:
        stale = 0
        for row in pii.key_census():
            keys = "，".join(f"{k}: {n}" for k, n in sorted(row["by_key"].items())) or "无"
            self.stdout.write(
                f"{row['model']}.{row['field']}：共 {row['total']} 个值，"
                f"当前密钥 {current}: {row['current']}，旧密钥剩余 {row['stale']}（{keys}）"
            )
            stale += row["stale"]
        if stale:
            raise CommandError(f"仍有 {stale} 个值在旧密钥下：旧密钥暂不能移除")
        self.stdout.write(
            self.style.SUCCESS(f"全部个人信息均在当前密钥 {current} 下：旧密钥可以移除")
        )
