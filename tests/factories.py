import factory

from agencies.models import Agency, Region, RoleGrant, User

TEST_PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "220000"
    name = "吉林省"
    level = Region.Level.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试机构{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    kind = Agency.Kind.MEDICAL_INSURANCE
    region = factory.SubFactory(RegionFactory)
    doc_prefix = "吉测"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    agency = factory.SubFactory(AgencyFactory)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)
        self.save()
