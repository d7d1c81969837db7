"""import_products: a user's catalog CSV, row errors with line numbers, idempotent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from catalog.importers.products import import_products_csv
from catalog.models import PriceSnapshot, Product


def make_image(path: Path, color: str = "red") -> None:
    Image.new("RGB", (32, 32), color).save(path, "JPEG")


@pytest.mark.django_db
def test_it_imports_products_with_specs_prices_and_images(tmp_path: Path) -> None:
    make_image(tmp_path / "pc.jpg")
    (tmp_path / "c.csv").write_text(
        "name,category,price,pcode,manufacturer,specs,image,date\n"
        '한성컴퓨터 TFG AX5600,desktop,"1,290,000",,한성,'
        "인텔 코어i5-13400F / RTX 4060 / 16GB / SSD 512GB / Windows 11 Home,pc.jpg,2024-05-01\n"
        "라이젠 5600X,cpu,180000,555,,,,2024-05-01\n",
        encoding="utf-8",
    )
    report = import_products_csv(tmp_path / "c.csv")
    assert report.errors == []
    assert report.products_created == 2
    assert report.images_stored == 1
    pc = Product.objects.get(name="한성컴퓨터 TFG AX5600")
    assert pc.category.kind == "desktop"
    assert pc.manufacturer.name == "한성컴퓨터"
    assert pc.ram_gb == 16 and pc.ssd_gb == 512
    assert pc.current_price == 1_290_000
    assert pc.image and pc.image_sha256
    assert Product.objects.get(pcode="555").category.kind == "cpu"

    again = import_products_csv(tmp_path / "c.csv")
    assert again.products_created == 0
    assert again.images_stored == 0
    assert again.prices.inserted == 0
    assert Product.objects.count() == 2
    assert PriceSnapshot.objects.count() == 2


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_leave_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        "name,category,price,image,date\n"
        "ok one,desktop,1000000,,\n"
        ",desktop,1000000,,\n"
        "negative,desktop,-5,,\n"
        "words,desktop,싸다,,\n"
        "no image,desktop,1000000,missing.jpg,\n"
        "bad date,desktop,1000000,,2024-13-45\n"
        "no category,,1000000,,\n",
        encoding="utf-8",
    )
    report = import_products_csv(tmp_path / "c.csv")
    lines = sorted(int(e.split("행")[0]) for e in report.errors)
    assert lines == [3, 4, 5, 6, 7, 8]
    assert list(Product.objects.values_list("name", flat=True)) == ["ok one"]
    assert PriceSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_file_without_required_columns_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("title,price\nx,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="필수 열이 없습니다: name, category"):
        call_command("import_products", str(tmp_path / "c.csv"))
    with pytest.raises(CommandError, match="파일이 없습니다"):
        call_command("import_products", str(tmp_path / "nope.csv"))


@pytest.mark.django_db
def test_the_command_prints_a_report(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        "name,category,price\nA,gpu,500000\nB,sofa,300000\n", encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_products", str(tmp_path / "c.csv"), stdout=out, stderr=err)
    assert "rows=2 failed=0" in out.getvalue()
    assert Product.objects.get(name="B").category.kind == "other"


@pytest.mark.django_db
def test_a_file_that_is_not_a_product_csv_is_refused_without_echoing_its_content(
    tmp_path: Path,
) -> None:
    """An admin import of /etc/passwd showed "root:x:0:0:..." in the job's error."""
    from catalog.models import Job, JobStatus
    from catalog.tasks import import_products

    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nsecret-token,hunter2\n", encoding="utf-8")
    job = Job.objects.create(kind="import_products", params={"path": str(secret)})
    import_products(path=str(secret), job_id=job.pk)
    job.refresh_from_db()
    text = " ".join(map(str, job.errors))
    assert job.status == JobStatus.FAILED
    assert "상품 CSV 파일이 아닙니다" in text
    assert "root" not in text and "bash" not in text and "hunter2" not in text
    with pytest.raises(CommandError) as info:
        call_command("import_products", str(secret))
    assert "상품 CSV 파일이 아닙니다" in str(info.value) and "root" not in str(info.value)
